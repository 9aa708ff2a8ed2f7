package io.vmo.daemon.catalog;

import io.vmo.protocol.ProjectInfo;
import io.vmo.protocol.Response;
import java.util.List;

/** What vmo knows to run: the registry's projects and their targets. Answers the catalog requests. */
public final class Catalog {

    private final Registry registry;
    private final TargetCatalog targets;

    public Catalog(Registry registry, TargetCatalog targets) {
        this.registry = registry;
        this.targets = targets;
    }

    public List<ProjectInfo> projects() {
        return registry.projects().stream()
                .map(p -> new ProjectInfo(p.alias(), p.dir() == null ? null : p.dir().toString(), p.problem()))
                .toList();
    }

    public Response.TargetList targets(String requestId, String alias) {
        TargetCatalog.Listing listing = targets.targets(alias);
        return new Response.TargetList(requestId, alias, listing.targets(), listing.problem());
    }
}
