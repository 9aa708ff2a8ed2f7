package io.vmo.daemon.catalog;

import io.vmo.daemon.Settings;
import io.vmo.daemon.store.CatalogStore;
import io.vmo.protocol.ProjectInfo;
import io.vmo.protocol.Response;
import io.vmo.protocol.VmInfo;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What vmo knows to run: the registry's projects, their targets, and the VMs. Answers the catalog requests, and
 * records each listing in the store (a store that is down costs the record, never the answer).
 */
public final class Catalog {

    private static final Logger log = LoggerFactory.getLogger(Catalog.class);

    private final Registry registry;
    private final TargetCatalog targets;
    private final VmCatalog vms;
    private final CatalogStore store;
    private final Clock clock;
    private final Supplier<Settings> settings;

    public Catalog(
            Registry registry,
            TargetCatalog targets,
            VmCatalog vms,
            CatalogStore store,
            Clock clock,
            Supplier<Settings> settings) {
        this.settings = settings;
        this.registry = registry;
        this.targets = targets;
        this.vms = vms;
        this.store = store;
        this.clock = clock;
    }

    public List<VmInfo> vms() {
        List<VmInfo> list = vms.vms();
        record(() -> store.syncVms(list, clock.instant()));
        return list;
    }

    public List<ProjectInfo> projects() {
        List<ProjectInfo> list = registry.projects().stream()
                .map(p -> new ProjectInfo(
                        p.alias(), p.dir() == null ? null : p.dir().toString(), p.problem()))
                .toList();
        record(() -> store.syncProjects(list, clock.instant()));
        return list;
    }

    /** Lists and records everything once, at start-up. */
    public void sync() {
        projects();
        vms();
    }

    private static void record(Runnable sync) {
        try {
            sync.run();
        } catch (RuntimeException e) {
            log.warn("could not record the catalog in the store: {}", e.toString());
        }
    }

    public Response.TargetList targets(String requestId, String alias) {
        TargetCatalog.Listing listing = targets.targets(alias);
        Settings current = settings.get(); // read per listing: config.yml edits apply at once
        return new Response.TargetList(
                requestId,
                alias,
                listing.targets().stream()
                        .map(t -> current.isInteractive(alias, t.name()) ? t.asInteractive() : t)
                        .toList(),
                listing.problem());
    }
}
