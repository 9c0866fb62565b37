package io.swrap.smbclient;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.crypto.PreauthIntegrity;
import io.swrap.smb.smb2.crypto.Smb2Kdf;
import io.swrap.smb.smb2.crypto.Smb2Signer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * [MS-SMB2] 3.2.4.1.7 (binding a session to a new connection) and the bind half of 3.2.5.3: a further
 * connection with the session's ClientGuid and the same dialect and cipher, then SESSION_SETUP with
 * SMB2_SESSION_FLAG_BINDING, signed with Session.SigningKey, authenticating the same user again; the
 * channel's signing key comes from that bind's own session key (3.0/3.0.2: KDF "SMB2AESCMAC"/"SmbSign";
 * 3.1.1: "SMBSigningKey" with the channel's own preauth hash over its NEGOTIATE and SESSION_SETUPs), and
 * the final bind response must verify with it.
 */
final class ChannelBinder {
    /** 2.2.3 / 2.2.4 Capabilities: SMB2_GLOBAL_CAP_MULTI_CHANNEL. */
    static final int CAP_MULTI_CHANNEL = 0x00000008;
    /** 2.2.5 Flags: SMB2_SESSION_FLAG_BINDING. */
    private static final int SESSION_FLAG_BINDING = 0x01;

    private ChannelBinder() {
    }

    /** Binds channels until {@code s} has {@code total} live ones; see {@link Session#bindChannels(int)}. */
    static void bind(Session s, int total) throws IOException {
        if (total < 1 || total > ClientConfig.MAX_CHANNELS) {
            throw new IllegalArgumentException("channels: " + total + " (expected: 1.." + ClientConfig.MAX_CHANNELS
                    + ")");
        }
        Connection first = s.connection;
        if (!Smb2Dialect.isSmb3(first.dialect())) {
            throw new IOException("cannot bind channels to a session of dialect " + Smb2Dialect.name(first.dialect())
                    + " with " + first.server + ": multichannel needs SMB 3.x");
        }
        if ((first.offer.capabilities() & CAP_MULTI_CHANNEL) == 0) {
            throw new IllegalStateException("the session's NEGOTIATE did not offer SMB2_GLOBAL_CAP_MULTI_CHANNEL:"
                    + " connect with ClientConfig.withChannels(n > 1)");
        }
        if ((first.negotiated.capabilities() & CAP_MULTI_CHANNEL) == 0) {
            throw new IOException("the server at " + first.server + " did not grant SMB2_GLOBAL_CAP_MULTI_CHANNEL"
                    + " (Samba and this project's server: server multi channel support = yes)");
        }
        if (s.liveChannelCount() >= total) {
            return;
        }
        List<InetAddress> addresses = addresses(s);
        for (int i = s.liveChannelCount(); i < total; i++) {
            // round robin over the interfaces, the first connection's address first: several channels may share one
            bindOne(s, new InetSocketAddress(addresses.get(i % addresses.size()), first.server.getPort()));
        }
    }

    /** The first connection's address, then the server's other interfaces of the same family, in its order. */
    private static List<InetAddress> addresses(Session s) throws IOException {
        Tree ipc = s.treeConnect("IPC$");
        List<ServerInterface> interfaces;
        try {
            interfaces = ipc.networkInterfaces();
        } finally {
            ipc.disconnect();
        }
        InetAddress primary = s.connection.server.getAddress();
        Set<InetAddress> out = new LinkedHashSet<>();
        out.add(primary);
        for (ServerInterface i : interfaces) {
            if (i.address().getClass() == primary.getClass()) {
                out.add(i.address());
            }
        }
        return new ArrayList<>(out);
    }

    private static void bindOne(Session s, InetSocketAddress target) throws IOException {
        Connection first = s.connection;
        String what = "binding session 0x" + Long.toHexString(s.id()) + " on " + target;
        Connection c = Connection.open(target, first.config, first.offer.clientGuid());
        try {
            Negotiate.Result n = c.negotiated;
            Negotiate.Result f = first.negotiated;
            if (n.dialect() != f.dialect() || n.cipherId() != f.cipherId() || !Arrays.equals(n.serverGuid(), f.serverGuid())) {
                throw new IOException(what + ": the new connection negotiated " + Smb2Dialect.name(n.dialect())
                        + " cipher " + n.cipherId() + ", the session's " + Smb2Dialect.name(f.dialect()) + " cipher "
                        + f.cipherId() + (Arrays.equals(n.serverGuid(), f.serverGuid()) ? "" : ", and another ServerGuid")
                        + "; a channel must match the session (3.2.4.1.7)");
            }
            boolean preauth = n.dialect() == Smb2Dialect.SMB3_11;
            // The channel's own PreauthIntegrityHashValue: this connection's NEGOTIATE, then the bind's messages.
            byte[][] hash = {preauth ? c.preauthHash.clone() : null};
            // 3.2.4.1.1: a bind is signed with Session.SigningKey (this instance is only used on c's event loop).
            Smb2Signer bindSigner = Smb2Signer.create(f.signingAlgorithm(), s.signingKey());
            ClientConfig cfg = first.config;
            SpnegoClient spnego = new SpnegoClient(new NtlmClient(cfg.user(), cfg.password(), cfg.domain()));
            Response r = c.call(bindRequest(s, spnego.initialToken(), bindSigner, hash))
                    .expect("SESSION_SETUP " + what, NtStatus.MORE_PROCESSING_REQUIRED);
            if (preauth) {
                hash[0] = PreauthIntegrity.update(hash[0], r.message());
            }
            r = c.call(bindRequest(s, spnego.responseToken(Session.securityBuffer(r)), bindSigner, hash))
                    .ok("SESSION_SETUP " + what);
            byte[] key = Arrays.copyOf(spnego.sessionKey(), 16);
            byte[] channelKey = preauth ? Smb2Kdf.derive(key, Smb2Kdf.LABEL_311_SIGN, hash[0], 128)
                    : Smb2Kdf.derive(key, Smb2Kdf.LABEL_30_SIGN, Smb2Kdf.CONTEXT_30_SIGN, 128);
            // 3.2.5.3.1: the final response of a bind is signed with the new Channel.SigningKey.
            if (!r.header().isSigned() || !Smb2Signer.create(n.signingAlgorithm(), channelKey).verify(r.message())) {
                throw new IOException(what + ": the final SESSION_SETUP response " + (r.header().isSigned()
                        ? "does not verify with the channel signing key" : "is not signed")
                        + " (expected: signed with the key derived from the bind's session key)");
            }
            spnego.complete(Session.securityBuffer(r));
            s.addChannel(c, channelKey, true);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static Request bindRequest(Session s, byte[] token, Smb2Signer signer, byte[][] hash) {
        Request req = s.setupRequest(token, SESSION_FLAG_BINDING);
        req.sign = true;
        req.signer = signer;
        if (hash[0] != null) {
            req.onEncoded(m -> hash[0] = PreauthIntegrity.update(hash[0], m));
        }
        return req;
    }
}
