package io.vmo.daemon.ssh;

import com.hierynomus.sshj.key.KeyAlgorithm;
import com.hierynomus.sshj.key.KeyAlgorithms;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Queue;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.common.Message;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.method.AbstractAuthMethod;

/**
 * The "publickey" method (RFC 4252 §7) with a key the ssh-agent holds: offer the public key, and once the server
 * accepts it, send the request again with the agent's signature of the session id and the request. Like sshj's own
 * publickey method, an RSA key is offered with each algorithm the server accepts (rsa-sha2-512, rsa-sha2-256,
 * ssh-rsa), and the agent is asked to sign with the matching hash.
 */
final class AgentPublickey extends AbstractAuthMethod {

    private final SshAgent agent;
    private final SshAgent.Identity identity;
    private final KeyType keyType;
    private Queue<KeyAlgorithm> algorithms;

    AgentPublickey(SshAgent agent, SshAgent.Identity identity) {
        super("publickey");
        this.agent = agent;
        this.identity = identity;
        this.keyType = KeyType.fromString(identity.type());
    }

    @Override
    public void handle(Message cmd, SSHPacket buf) throws UserAuthException, TransportException {
        if (cmd == Message.USERAUTH_60) { // SSH_MSG_USERAUTH_PK_OK: the server would accept this key
            params.getTransport().write(signed(buildReq(true)));
        } else {
            super.handle(cmd, buf);
        }
    }

    @Override
    protected SSHPacket buildReq() throws UserAuthException {
        return buildReq(false);
    }

    /** Tries the key again with the next algorithm the server accepts for its type, if any is left. */
    @Override
    public boolean shouldRetry() {
        if (algorithms != null) {
            algorithms.poll();
            return !algorithms.isEmpty();
        }
        return false;
    }

    private SSHPacket buildReq(boolean withSignature) throws UserAuthException {
        return super.buildReq()
                .putBoolean(withSignature)
                .putString(algorithm().getKeyAlgorithm())
                .putString(identity.blob());
    }

    /** The signature covers the session id and the whole request so far (RFC 4252 §7). */
    private SSHPacket signed(SSHPacket request) throws UserAuthException {
        byte[] data = new Buffer.PlainBuffer()
                .putString(params.getTransport().getSessionID())
                .putBuffer(request)
                .getCompactData();
        try {
            return request.putString(agent.sign(identity.blob(), data, flags(algorithm())));
        } catch (IOException e) {
            throw new UserAuthException("the ssh-agent did not sign with " + identity + ": " + e.getMessage(), e);
        }
    }

    private KeyAlgorithm algorithm() throws UserAuthException {
        try {
            if (algorithms == null) {
                algorithms = new ArrayDeque<>(params.getTransport().getClientKeyAlgorithms(keyType));
            }
        } catch (TransportException e) {
            throw new UserAuthException("no signature algorithm for the agent's " + identity, e);
        }
        KeyAlgorithm algorithm = algorithms.peek();
        if (algorithm == null) {
            throw new UserAuthException("no signature algorithm for the agent's " + identity);
        }
        return algorithm;
    }

    private int flags(KeyAlgorithm algorithm) {
        String name = algorithm.getKeyAlgorithm();
        if (name.equals(KeyAlgorithms.RSASHA512().getName())) {
            return SshAgent.SIGN_RSA_SHA2_512;
        }
        return name.equals(KeyAlgorithms.RSASHA256().getName()) ? SshAgent.SIGN_RSA_SHA2_256 : 0;
    }

    @Override
    public String toString() {
        return "the ssh-agent's " + identity;
    }
}
