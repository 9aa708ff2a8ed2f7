package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalSizeTest {

    @Test
    void aSizeNeedsBothColumnsAndRowsElseItIsTheDefault() {
        assertThat(TerminalSize.of(100, 30)).isEqualTo(new TerminalSize(100, 30));
        assertThat(TerminalSize.of(100, null)).isEqualTo(TerminalSize.DEFAULT);
        assertThat(TerminalSize.of(null, 30)).isEqualTo(TerminalSize.DEFAULT);
        assertThat(TerminalSize.DEFAULT).isEqualTo(new TerminalSize(80, 24));
    }
}
