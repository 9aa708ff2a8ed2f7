package io.vmo.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Key pairs made by OpenSSH's own {@code ssh-keygen}, in the files and format a user's would have. */
public final class SshKeys {

    private SshKeys() {}

    /**
     * A key pair on disk.
     *
     * @param privateKey the private key file (OpenSSH format; encrypted when made with a passphrase)
     * @param publicKey the public key line as in the {@code .pub} file: {@code ssh-ed25519 AAAA... comment}
     */
    public record KeyPair(Path privateKey, String publicKey) {

        public Path publicKeyFile() {
            return privateKey.resolveSibling(privateKey.getFileName() + ".pub");
        }

        /** {@code ssh-ed25519} */
        public String type() {
            return publicKey.split(" ")[0];
        }

        /** The key blob, base64, as in known_hosts and authorized_keys. */
        public String base64() {
            return publicKey.split(" ")[1];
        }

        /** {@code ssh-ed25519 AAAA...}: the line without its comment. */
        public String typeAndKey() {
            return type() + " " + base64();
        }

        /** {@code SHA256:...}, as {@code ssh-keygen -l} and OpenSSH's messages show it. */
        public String fingerprint() {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256")
                        .digest(Base64.getDecoder().decode(base64()));
                return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The key pair already at {@code file} and {@code file.pub}. */
    public static KeyPair read(Path file) throws IOException {
        return new KeyPair(
                file,
                Files.readString(Path.of(file + ".pub"), StandardCharsets.UTF_8).strip());
    }

    /** A new ed25519 key pair at {@code file} (and {@code file.pub}); {@code passphrase} null or "": unencrypted. */
    public static KeyPair ed25519(Path file, String passphrase, String comment)
            throws IOException, InterruptedException {
        return generate("ed25519", file, passphrase, comment);
    }

    /** A new 3072-bit RSA key pair (ssh-keygen's default size), as {@link #ed25519}. */
    public static KeyPair rsa(Path file, String passphrase, String comment) throws IOException, InterruptedException {
        return generate("rsa", file, passphrase, comment);
    }

    private static KeyPair generate(String type, Path file, String passphrase, String comment)
            throws IOException, InterruptedException {
        // ssh-keygen asks before overwriting, and nobody would answer.
        if (Files.exists(file)) {
            throw new IllegalStateException(file + " exists already");
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path log = Files.createTempFile(file.toAbsolutePath().getParent(), "ssh-keygen", ".log");
        try {
            Process process = new ProcessBuilder(List.of(
                            "ssh-keygen",
                            "-q",
                            "-t",
                            type,
                            "-N",
                            passphrase == null ? "" : passphrase,
                            "-C",
                            comment,
                            "-f",
                            file.toString()))
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("ssh-keygen did not finish: " + Files.readString(log));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("ssh-keygen failed: " + Files.readString(log));
            }
        } finally {
            Files.deleteIfExists(log);
        }
        return read(file);
    }
}
