package io.vmo.ssh;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The setup most SSH tests want: three real sshds and a client home whose config reaches them the ways users do.
 *
 * <pre>
 * Include .../config.d/included.conf -> Host included: box, declared in an included file
 * Host box                           -> box, with ~/.ssh/id_ed25519 (no passphrase)
 * Host jump                          -> jump
 * Host inner                         -> inner, ProxyJump jump: the jump sshd opens the TCP connection to it
 * Host locked                        -> box, with ~/.ssh/id_locked, encrypted with {@link #PASSPHRASE}
 * Host *.test                        -> box, for any name ending in .test
 * Host *                             -> known_hosts of this home only, StrictHostKeyChecking yes, BatchMode yes
 * </pre>
 *
 * Every server trusts both keys and is in known_hosts; jump logs at DEBUG1, which shows each forwarding. Their
 * files are in {@code dir}: {@code box/}, {@code jump/}, {@code inner/} (each server's) and {@code home/} (the
 * client's).
 */
public final class SshFixture implements AutoCloseable {

    public static final String BOX = "box";
    public static final String JUMP = "jump";
    public static final String INNER = "inner";
    public static final String LOCKED = "locked";
    public static final String INCLUDED = "included";
    /** Matched by {@code Host *.test}. */
    public static final String WILDCARD_EXAMPLE = "web.test";

    public static final String PASSPHRASE = "correct horse battery staple";

    private final TestSshd box;
    private final TestSshd jump;
    private final TestSshd inner;
    private final SshClientHome client;
    private final SshKeys.KeyPair lockedKey;

    private SshFixture(TestSshd box, TestSshd jump, TestSshd inner, SshClientHome client, SshKeys.KeyPair lockedKey) {
        this.box = box;
        this.jump = jump;
        this.inner = inner;
        this.client = client;
        this.lockedKey = lockedKey;
    }

    public static SshFixture start(Path dir) throws IOException, InterruptedException {
        TestSshd box = null;
        TestSshd jump = null;
        TestSshd inner = null;
        try {
            box = TestSshd.start(dir.resolve("box"));
            // DEBUG1 logs each forwarding it opens (VERBOSE does not), so tests can see a jump happen.
            jump = TestSshd.start(dir.resolve("jump"), "LogLevel DEBUG1");
            inner = TestSshd.start(dir.resolve("inner"));
            SshClientHome client = SshClientHome.create(dir.resolve("home"));
            SshKeys.KeyPair locked = client.addKey("id_locked", PASSPHRASE);
            for (TestSshd sshd : new TestSshd[] {box, jump, inner}) {
                sshd.authorize(client.identity().publicKey());
                sshd.authorize(locked.publicKey());
                client.trust(sshd);
            }
            client.include("included.conf", SshClientHome.hostBlock(INCLUDED, box, client.identity()));
            client.host(BOX, box)
                    .host(JUMP, jump)
                    .host(INNER, inner, "ProxyJump " + JUMP)
                    .host(LOCKED, box, locked)
                    .host("*.test", box);
            return new SshFixture(box, jump, inner, client, locked);
        } catch (IOException | InterruptedException | RuntimeException e) {
            for (TestSshd sshd : new TestSshd[] {box, jump, inner}) {
                if (sshd != null) {
                    sshd.close();
                }
            }
            throw e;
        }
    }

    public TestSshd box() {
        return box;
    }

    public TestSshd jump() {
        return jump;
    }

    public TestSshd inner() {
        return inner;
    }

    public SshClientHome client() {
        return client;
    }

    /** {@code ~/.ssh/id_locked}, encrypted with {@link #PASSPHRASE}. */
    public SshKeys.KeyPair lockedKey() {
        return lockedKey;
    }

    /** The servers' logs, for a failure message. */
    public String logs() {
        return "--- box sshd\n" + box.log() + "--- jump sshd\n" + jump.log() + "--- inner sshd\n" + inner.log();
    }

    @Override
    public void close() throws InterruptedException {
        box.close();
        jump.close();
        inner.close();
    }
}
