package io.vmo.protocol;

import java.time.Instant;

/**
 * One row of the audit trail: who ({@code user}, null when nobody was known yet, e.g. a wrong token), what
 * ({@code action}, e.g. {@code job.execute}, and its {@code subject}, e.g. a job id), when ({@code at}), from where
 * ({@code client}: {@code cli}, {@code web} or {@code rest}, null when unknown; {@code peer}: the client's address),
 * how it ended ({@code outcome}: {@code ok}, {@code refused} or {@code failed}) and what else is worth knowing
 * ({@code detail}: never typed text or a secret). {@code seq} numbers the trail from 1, without gaps.
 */
public record AuditEvent(
        long seq,
        Instant at,
        String action,
        String user,
        String client,
        String peer,
        String subject,
        String outcome,
        String detail) {}
