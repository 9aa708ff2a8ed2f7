package io.vmo.daemon.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the real OpenSSH client: what `ssh -G` resolves is what vmo connects to. */
class SshConfigResolverTest {

    @TempDir
    Path home;

    @Test
    void resolvesIncludesWildcardsAndJumpsAsOpenSshDoes() throws Exception {
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(ssh.resolve("config"), """
                Include %s/extra.conf
                Host box
                  HostName 127.0.0.1
                  Port 2222
                  IdentityFile ~/.ssh/id_box
                  UserKnownHostsFile %s/known_hosts
                Host inner
                  HostName 10.9.8.7
                  ProxyJump ops@jump:2200
                Host aliased
                  HostName 127.0.0.1
                  Port 2222
                  HostKeyAlias box-key
                  IdentitiesOnly yes
                  IdentityAgent ~/agent.sock
                Host noagent
                  IdentityAgent none
                Host *.test
                  User tester
                Host *
                  User fallback
                """.formatted(ssh, ssh));
        Files.writeString(ssh.resolve("extra.conf"), "Host jump\n  HostName 192.0.2.1\n");
        var resolver = new SshConfigResolver(ssh.resolve("config"), home);

        SshTarget box = resolver.resolve("box", null);
        assertThat(box.hostname()).isEqualTo("127.0.0.1");
        assertThat(box.port()).isEqualTo(2222);
        assertThat(box.user()).isEqualTo("fallback");
        assertThat(box.identityFiles()).containsExactly(home.resolve(".ssh/id_box"));
        assertThat(box.knownHostsFiles()).contains(ssh.resolve("known_hosts"));
        assertThat(box.knownHostsName()).isEqualTo("[127.0.0.1]:2222");
        assertThat(box.jumps()).isEmpty();
        assertThat(box.identitiesOnly()).isFalse();
        assertThat(box.identityAgent()).as("unset: the daemon's SSH_AUTH_SOCK").isNull();
        assertThat(box.hostKeyAlias()).isNull();

        SshTarget aliased = resolver.resolve("aliased", null);
        assertThat(aliased.hostKeyAlias()).isEqualTo("box-key");
        assertThat(aliased.knownHostsName())
                .as("OpenSSH adds no port to the alias")
                .isEqualTo("box-key");
        assertThat(aliased.identitiesOnly()).isTrue();
        assertThat(aliased.identityAgent()).endsWith("/agent.sock").doesNotStartWith("~");
        assertThat(resolver.resolve("noagent", null).identityAgent()).isEqualTo("none");

        assertThat(resolver.resolve("db.test", null).user()).isEqualTo("tester");
        assertThat(resolver.resolve("box", "deploy").user())
                .as("-l wins over the config")
                .isEqualTo("deploy");

        SshTarget inner = resolver.resolve("inner", null);
        assertThat(inner.hostname()).isEqualTo("10.9.8.7");
        assertThat(inner.jumps()).singleElement().satisfies(jump -> {
            assertThat(jump.hostname()).isEqualTo("192.0.2.1");
            assertThat(jump.port()).isEqualTo(2200);
            assertThat(jump.user()).isEqualTo("ops");
        });
    }
}
