package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void fieldsAreCountedAfterTheLastParenthesisSoAnyCommandNameParses() {
        String stat = "4242 (a (b) c) S 1 4240 4240 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        ProcStat p = ProcStat.parse(4242, stat);
        assertThat(p.name()).isEqualTo("a (b) c");
        assertThat(p.state()).isEqualTo('S');
        assertThat(p.pgrp()).isEqualTo(4240);
        assertThat(p.session()).isEqualTo(4240);
        assertThat(p.startTicks()).isEqualTo(987654);
        assertThat(p.running()).isTrue();
        assertThat(ProcStat.parse(1, stat.replace(") S ", ") Z ")).running()).isFalse();
    }

    @Test
    void theStampOfALiveProcessMatchesItsOwnStatAndAnotherPidDoesNot() {
        long self = ProcessHandle.current().pid();
        var stamp = ProcessStamp.of(self);
        if (stamp.isEmpty()) {
            return; // no /proc here
        }
        assertThat(stamp.get().startTicks())
                .isEqualTo(ProcStat.read(self).orElseThrow().startTicks());
        assertThat(ProcStat.read(1).orElseThrow().startTicks())
                .isLessThanOrEqualTo(stamp.get().startTicks());
    }
}
