package io.vmo.daemon.store;

import io.vmo.protocol.ProjectInfo;
import io.vmo.protocol.VmInfo;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Keeps the {@code projects} and {@code vms} tables equal to the catalog as last listed. */
public final class CatalogStore {

    private final Jdbi jdbi;

    public CatalogStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Upserts every listed project; those no longer listed stay, with {@code present = false}. */
    public void syncProjects(List<ProjectInfo> projects, Instant now) {
        jdbi.useTransaction(h -> {
            var batch = h.prepareBatch("""
                    insert into projects (alias, dir, problem, present, synced_at)
                    values (:alias, :dir, :problem, true, :now)
                    on conflict (alias) do update
                    set dir = excluded.dir, problem = excluded.problem, present = true, synced_at = excluded.synced_at
                    """);
            projects.forEach(p -> batch.bind("alias", p.alias())
                    .bind("dir", p.dir())
                    .bind("problem", p.problem())
                    .bind("now", now.atOffset(ZoneOffset.UTC))
                    .add());
            if (!projects.isEmpty()) {
                batch.execute();
            }
            h.createUpdate("update projects set present = false where synced_at < :now")
                    .bind("now", now.atOffset(ZoneOffset.UTC))
                    .execute();
        });
    }

    public void syncVms(List<VmInfo> vms, Instant now) {
        jdbi.useTransaction(h -> {
            var batch = h.prepareBatch("""
                    insert into vms (name, environment, host, user_name, ssh_host, source, problem, present, synced_at)
                    values (:name, :environment, :host, :user, :sshHost, :source, :problem, true, :now)
                    on conflict (name) do update
                    set environment = excluded.environment, host = excluded.host, user_name = excluded.user_name,
                        ssh_host = excluded.ssh_host, source = excluded.source, problem = excluded.problem,
                        present = true, synced_at = excluded.synced_at
                    """);
            vms.forEach(v -> batch.bind("name", v.name())
                    .bind("environment", v.environment())
                    .bind("host", v.host())
                    .bind("user", v.user())
                    .bind("sshHost", v.sshHost())
                    .bind("source", v.source())
                    .bind("problem", v.problem())
                    .bind("now", now.atOffset(ZoneOffset.UTC))
                    .add());
            if (!vms.isEmpty()) {
                batch.execute();
            }
            h.createUpdate("update vms set present = false where synced_at < :now")
                    .bind("now", now.atOffset(ZoneOffset.UTC))
                    .execute();
        });
    }
}
