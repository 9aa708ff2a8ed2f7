package io.vmo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Sha1Test {

    @Test
    void answersRfc6455sExample() {
        // RFC 6455 §1.3: this key's accept value.
        byte[] digest = Sha1.digest(
                "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11".getBytes(StandardCharsets.US_ASCII));
        assertThat(Base64.getEncoder().encodeToString(digest)).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void agreesWithTheJdkOnEveryLengthAroundTheBlockBoundaries() throws Exception {
        Random random = new Random(7);
        for (int length = 0; length < 300; length++) {
            byte[] message = new byte[length];
            random.nextBytes(message);
            assertThat(Sha1.digest(message))
                    .as("%d bytes", length)
                    .isEqualTo(MessageDigest.getInstance("SHA-1").digest(message));
        }
    }
}
