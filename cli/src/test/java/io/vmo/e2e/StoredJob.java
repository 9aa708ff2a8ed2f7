package io.vmo.e2e;

import java.io.ByteArrayOutputStream;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** What the store holds for one job, read straight from PostgreSQL with plain JDBC (not through vmo's code). */
public record StoredJob(String status, Integer exitCode, List<Event> events) {

    public record Event(long seq, String stream, byte[] data) {}

    public static StoredJob read(String jdbcUrl, String jobId) throws SQLException {
        try (var c = DriverManager.getConnection(jdbcUrl)) {
            String status;
            Integer exit;
            try (var s = c.prepareStatement("select status, exit_code from jobs where id = ?")) {
                s.setObject(1, UUID.fromString(jobId));
                var rs = s.executeQuery();
                if (!rs.next()) {
                    throw new AssertionError("no row for job " + jobId);
                }
                status = rs.getString(1);
                exit = (Integer) rs.getObject(2);
            }
            List<Event> events = new ArrayList<>();
            try (var s = c.prepareStatement("select seq, stream, data from job_events where job_id = ? order by seq")) {
                s.setObject(1, UUID.fromString(jobId));
                var rs = s.executeQuery();
                while (rs.next()) {
                    events.add(new Event(rs.getLong(1), rs.getString(2), rs.getBytes(3)));
                }
            }
            return new StoredJob(status, exit, events);
        }
    }

    /** Waits (up to 20 s) until the job's stored stdout contains {@code text}. */
    public static void awaitStdout(String jdbcUrl, String jobId, String text) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!read(jdbcUrl, jobId).text("stdout").contains(text)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("job " + jobId + " did not print \"" + text + "\" within 20 s");
            }
            Thread.sleep(50);
        }
    }

    /** The bytes of one stream, in seq order. */
    public byte[] bytes(String stream) {
        var out = new ByteArrayOutputStream();
        events.stream().filter(e -> e.stream().equals(stream)).forEach(e -> out.writeBytes(e.data()));
        return out.toByteArray();
    }

    /** The text clients were sent for one stream: each event decoded on its own, as the daemon does. */
    public String text(String stream) {
        StringBuilder text = new StringBuilder();
        events.stream()
                .filter(e -> e.stream().equals(stream))
                .forEach(e -> text.append(new String(e.data(), java.nio.charset.StandardCharsets.UTF_8)));
        return text.toString();
    }

    public List<Long> seqs() {
        return events.stream().map(Event::seq).toList();
    }
}
