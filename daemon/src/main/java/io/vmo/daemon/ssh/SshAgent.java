package io.vmo.daemon.ssh;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;

/**
 * A client of the user's ssh-agent (the protocol of draft-miller-ssh-agent, which OpenSSH's agent speaks): lists
 * the keys it holds and has it sign with them, so a passphrase-protected key the user unlocked with ssh-add works
 * without vmo ever seeing the key or the passphrase. Each request is a connection of its own — requests are rare
 * (a few per login) and the agent serves each connection independently.
 */
final class SshAgent {

    static final int SIGN_RSA_SHA2_256 = 2;
    static final int SIGN_RSA_SHA2_512 = 4;

    private static final byte FAILURE = 5;
    private static final byte REQUEST_IDENTITIES = 11;
    private static final byte IDENTITIES_ANSWER = 12;
    private static final byte SIGN_REQUEST = 13;
    private static final byte SIGN_RESPONSE = 14;
    /** The agent's own limit (OpenSSH: AGENT_MAX_LEN); a longer length means we are not talking to an agent. */
    private static final int MAX_MESSAGE = 256 * 1024;

    /** A key the agent holds: its public key blob (as on the wire) and the comment ssh-add gave it. */
    record Identity(byte[] blob, String comment) {

        /** The key's type as named inside the blob: {@code ssh-ed25519}, {@code ssh-rsa}, … */
        String type() {
            try {
                return new Buffer.PlainBuffer(blob).readString();
            } catch (Buffer.BufferException e) {
                return "unknown";
            }
        }

        /** The public key, or null for a kind sshj does not know (which vmo then cannot offer). */
        PublicKey publicKey() {
            if (KeyType.fromString(type()) == KeyType.UNKNOWN) {
                return null;
            }
            try {
                return new Buffer.PlainBuffer(blob).readPublicKey();
            } catch (Buffer.BufferException | RuntimeException e) {
                return null;
            }
        }

        boolean matches(PublicKey key) {
            return key != null
                    && Arrays.equals(
                            blob, new Buffer.PlainBuffer().putPublicKey(key).getCompactData());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Identity other && Arrays.equals(blob, other.blob) && comment.equals(other.comment);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(blob);
        }

        @Override
        public String toString() {
            return type() + " " + comment;
        }
    }

    private final Path socket;

    SshAgent(Path socket) {
        this.socket = socket;
    }

    Path socket() {
        return socket;
    }

    /** Every key the agent holds, in its order (which is ssh-add's). */
    List<Identity> identities() throws IOException {
        Buffer.PlainBuffer answer =
                request(new Buffer.PlainBuffer().putByte(REQUEST_IDENTITIES), IDENTITIES_ANSWER, "list its keys");
        try {
            long count = answer.readUInt32();
            List<Identity> identities = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                identities.add(new Identity(answer.readBytes(), answer.readString(StandardCharsets.UTF_8)));
            }
            return identities;
        } catch (Buffer.BufferException e) {
            throw new IOException("the ssh-agent at " + socket + " sent a malformed list of keys", e);
        }
    }

    /**
     * The agent's signature of {@code data} with the key {@code blob}, encoded as SSH signatures are on the wire
     * ({@code string algorithm, string signature}); {@code flags} choose SHA-2 for RSA keys.
     */
    byte[] sign(byte[] blob, byte[] data, int flags) throws IOException {
        Buffer.PlainBuffer answer = request(
                new Buffer.PlainBuffer()
                        .putByte(SIGN_REQUEST)
                        .putBytes(blob)
                        .putBytes(data)
                        .putUInt32(flags),
                SIGN_RESPONSE,
                "sign with a key");
        try {
            return answer.readBytes();
        } catch (Buffer.BufferException e) {
            throw new IOException("the ssh-agent at " + socket + " sent a malformed signature", e);
        }
    }

    private Buffer.PlainBuffer request(Buffer.PlainBuffer message, byte expected, String what) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            byte[] body = message.getCompactData();
            ByteBuffer out = ByteBuffer.allocate(4 + body.length)
                    .putInt(body.length)
                    .put(body)
                    .flip();
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteBuffer length = readFully(channel, ByteBuffer.allocate(4));
            int n = length.getInt(0);
            if (n < 1 || n > MAX_MESSAGE) {
                throw new IOException("the ssh-agent at " + socket + " answered with a message of " + n + " bytes");
            }
            ByteBuffer answer = readFully(channel, ByteBuffer.allocate(n));
            Buffer.PlainBuffer buffer = new Buffer.PlainBuffer(answer.array());
            byte type = buffer.readByte();
            if (type != expected) {
                throw new IOException("the ssh-agent at " + socket + " refused to " + what
                        + (type == FAILURE ? "" : " (answer type " + type + ")"));
            }
            return buffer;
        } catch (Buffer.BufferException e) {
            throw new IOException("the ssh-agent at " + socket + " sent an empty answer", e);
        }
    }

    private ByteBuffer readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("the ssh-agent at " + socket + " closed the connection mid-answer");
            }
        }
        return buffer;
    }
}
