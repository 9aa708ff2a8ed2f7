package io.vmo.daemon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.protocol.Codec;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SharedEncodingsTest {

    private final Codec codec = new Codec();

    private static Response.JobLog event(long seq, String text) {
        return new Response.JobLog("j1", seq, LogStream.STDOUT, text.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
    }

    @Test
    void everyViewerSendsTheSameArrayAsTheCodecWouldWrite() {
        SharedEncodings encodings = new SharedEncodings(codec);
        byte[] first = encodings.json(event(1, "héllo\n"));
        assertThat(first).isEqualTo(codec.encodeBytes(event(1, "héllo\n")));
        assertThat(encodings.json(event(1, "héllo\n"))).isSameAs(first);
        assertThat(encodings.json(event(2, "héllo\n"))).isNotSameAs(first);
    }

    @Test
    void keepsNoMoreThanItsBudgetLettingTheLeastRecentlyUsedGo() {
        int size = codec.encodeBytes(event(1, "x".repeat(1000))).length;
        SharedEncodings encodings = new SharedEncodings(codec, 3L * size);
        byte[] one = encodings.json(event(1, "x".repeat(1000)));
        encodings.json(event(2, "x".repeat(1000)));
        encodings.json(event(3, "x".repeat(1000)));
        encodings.json(event(1, "x".repeat(1000))); // used again: now the most recent
        encodings.json(event(4, "x".repeat(1000))); // 2 goes
        assertThat(encodings.keptBytes()).isLessThanOrEqualTo(3L * size);
        assertThat(encodings.json(event(1, "x".repeat(1000)))).isSameAs(one);
    }
}
