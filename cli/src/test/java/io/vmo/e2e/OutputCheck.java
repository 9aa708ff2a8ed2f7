package io.vmo.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Compares what the store holds for a job with what the job wrote, and says exactly where they differ. */
final class OutputCheck {

    private OutputCheck() {}

    /**
     * Every problem with a stored job, given the copy the job kept of its stdout: seqs not exactly 1..N, stdout not
     * byte for byte the copy. Empty when all is well.
     */
    static List<String> problems(String what, StoredJob stored, byte[] copy) {
        List<String> problems = new ArrayList<>();
        String seqs = seqProblem(stored.seqs());
        if (seqs != null) {
            problems.add(what + ": " + seqs);
        }
        String bytes = difference(stored.bytes("stdout"), copy);
        if (bytes != null) {
            problems.add(what + ": " + bytes);
        }
        return problems;
    }

    /** Null when the seqs are 1..N without a gap; otherwise which are missing (as ranges) or out of place. */
    static String seqProblem(List<Long> seqs) {
        if (seqs.isEmpty()) {
            return "no events stored at all";
        }
        List<String> missing = new ArrayList<>();
        long expected = 1;
        for (long seq : seqs) {
            if (seq < expected) {
                return "seqs out of order or repeated at " + seq + " (after " + (expected - 1) + ")";
            }
            if (seq > expected) {
                missing.add(seq - 1 == expected ? Long.toString(expected) : expected + "-" + (seq - 1));
            }
            expected = seq + 1;
        }
        if (missing.isEmpty()) {
            return null;
        }
        return "seqs are not contiguous: of 1.." + seqs.getLast() + " missing "
                + String.join(", ", missing.size() > 20 ? missing.subList(0, 20) : missing)
                + (missing.size() > 20 ? " …" : "")
                + " (" + (seqs.getLast() - seqs.size()) + " missing in all)";
    }

    /** Null when equal; otherwise the lengths, the first differing offset and the text on either side there. */
    static String difference(byte[] stored, byte[] copy) {
        int at = Arrays.mismatch(stored, copy);
        if (at < 0) {
            return null;
        }
        long line = 1;
        for (int i = 0; i < at && i < copy.length; i++) {
            if (copy[i] == '\n') {
                line++;
            }
        }
        return "stored stdout (" + stored.length + " bytes) differs from the job's own copy (" + copy.length
                + " bytes) first at offset " + at + " (line " + line + " of the copy; "
                + (stored.length - copy.length) + " bytes " + (stored.length >= copy.length ? "extra" : "short")
                + " overall)\n    stored there: " + excerpt(stored, at) + "\n    copy there:   " + excerpt(copy, at);
    }

    private static String excerpt(byte[] bytes, int at) {
        if (at >= bytes.length) {
            return "(end of data)";
        }
        int from = Math.max(0, at - 40);
        int to = Math.min(bytes.length, at + 80);
        return "«" + new String(bytes, from, at - from, StandardCharsets.ISO_8859_1).replace("\n", "\\n") + "⟨here⟩"
                + new String(bytes, at, to - at, StandardCharsets.ISO_8859_1).replace("\n", "\\n") + "»";
    }
}
