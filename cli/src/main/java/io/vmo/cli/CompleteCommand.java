package io.vmo.cli;

import io.vmo.protocol.JobInfo;
import io.vmo.protocol.ProjectInfo;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.TargetInfo;
import io.vmo.protocol.VmInfo;
import io.vmo.protocol.VmoException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code vmo __complete LABEL [WORD…]}: what the daemon knows that a positional parameter can be, one per line, for
 * the scripts of {@code vmo completion}. A positional is known by its label, the {@code paramLabel} each command
 * gives it (these constants); the words are the positionals typed before it (a target needs its project, a preset
 * its VM). Silent whatever goes wrong (no daemon, an unknown project): a completion that prints an error would
 * write it into the user's command line.
 */
final class CompleteCommand implements Callable<Integer> {

    static final String PROJECT = "PROJECT";
    static final String TARGET = "TARGET";
    static final String JOB = "JOB";
    static final String VM = "VM";
    static final String PRESET = "PRESET|CONTAINER";
    /** Every label this command completes. */
    static final Set<String> LABELS = Set.of(PROJECT, TARGET, JOB, VM, PRESET);
    /** How many of the newest jobs offer their ids. */
    static final int RECENT_JOBS = 50;
    /**
     * How long a TAB may wait for the daemon. One that accepts connections but does not answer (stopped with ^Z,
     * frozen) would otherwise hang the user's shell, which waits for the completion; the daemon answers in ~10 ms.
     */
    static final Duration DEADLINE = Duration.ofSeconds(2);

    final CommandSpec spec =
            Specs.command(this, "__complete", "Completion candidates (for `vmo completion`'s scripts).");

    private final DaemonOptions daemon = new DaemonOptions(spec);

    private final PositionalParamSpec label = Specs.add(spec, Specs.word("0", "LABEL"));

    private final PositionalParamSpec before = Specs.add(spec, Specs.words("1..*", "WORD"));

    CompleteCommand() {
        spec.usageMessage().hidden(true);
    }

    @Override
    public Integer call() {
        String label = this.label.getValue();
        List<String> before = this.before.getValue();
        if (!LABELS.contains(label)) {
            return 0; // nothing the daemon knows: asked for nothing
        }
        Thread.ofPlatform().daemon().name("vmo-complete-deadline").start(() -> {
            try {
                Thread.sleep(DEADLINE);
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(0); // no candidates: the candidates are printed at once, after all arrived
        });
        List<String> candidates;
        try (DaemonClient client = daemon.connectWithoutPinning()) {
            candidates = candidates(client, label, before);
        } catch (CliException | VmoException | IllegalArgumentException e) {
            return 0;
        }
        Console console = new Console();
        candidates.forEach(console.out::println);
        console.flush();
        return 0;
    }

    private static List<String> candidates(DaemonClient client, String label, List<String> before) {
        String first = before.isEmpty() ? null : before.get(0);
        return switch (label) {
            case PROJECT ->
                client.call(new Request.ListProjects(client.nextId()), Response.ProjectList.class).projects().stream()
                        .filter(p -> p.problem() == null)
                        .map(ProjectInfo::alias)
                        .toList();
            case TARGET ->
                first == null
                        ? List.of()
                        : client
                                .call(new Request.ListTargets(client.nextId(), first), Response.TargetList.class)
                                .targets()
                                .stream()
                                .map(TargetInfo::name)
                                .toList();
            case JOB ->
                client.call(new Request.ListJobs(client.nextId(), RECENT_JOBS), Response.JobList.class).jobs().stream()
                        .map(JobInfo::id)
                        .map(id -> id.substring(0, 8))
                        .toList();
            case VM -> vms(client).stream().map(VmInfo::name).toList();
            case PRESET ->
                vms(client).stream()
                        .filter(vm -> vm.name().equals(first))
                        .flatMap(vm -> vm.presets().keySet().stream().sorted())
                        .toList();
            default -> List.of();
        };
    }

    private static List<VmInfo> vms(DaemonClient client) {
        return client.call(new Request.ListVms(client.nextId()), Response.VmList.class)
                .vms();
    }
}
