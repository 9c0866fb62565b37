package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.swrap.smb.config.SigningSetting;
import io.swrap.smb.config.SmbConfig;
import io.swrap.smb.smb2.auth.SpnegoServer;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb1NegotiateRequest;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2NegotiateContext;
import io.swrap.smb.smb2.codec.Smb2NegotiateRequest;
import io.swrap.smb.smb2.codec.Smb2NegotiateResponse;
import io.swrap.smb.smb2.codec.Smb2Response;
import io.swrap.smb.smb2.crypto.PreauthIntegrity;
import io.swrap.smb.smb2.crypto.Smb2Signer;
import io.swrap.smb.smb2.crypto.Smb2TransformCipher;
import io.swrap.smb.state.Connection;
import io.swrap.smb.vfs.FileTimes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * [MS-SMB2] 3.3.5.4 Receiving an SMB2 NEGOTIATE Request, and 3.3.5.3.1 the SMB1 multi-protocol
 * NEGOTIATE that upgrades to SMB2. Picks the highest common dialect within the configured range, and
 * for 3.1.1 one choice per negotiate context: SHA-512 preauth, a cipher, a signing algorithm.
 */
final class NegotiateHandler implements Smb2CommandHandler {
    /** MaxTransactSize/MaxReadSize/MaxWriteSize with multi-credit (2.1 and later). */
    static final int MAX_IO = 8 * 1024 * 1024;
    /** 2.0.2 has no multi-credit requests: one credit, 64 KiB. */
    static final int MAX_IO_202 = 64 * 1024;
    /** Server preference, as Samba's default "server smb encryption algorithms". */
    private static final int[] CIPHERS = {Smb2TransformCipher.AES_128_GCM, Smb2TransformCipher.AES_128_CCM,
        Smb2TransformCipher.AES_256_GCM, Smb2TransformCipher.AES_256_CCM};
    private static final int[] SIGNING = {Smb2Signer.AES_GMAC, Smb2Signer.AES_CMAC, Smb2Signer.HMAC_SHA256};
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception {
        Connection conn = rc.conn;
        if (conn.negotiated()) {
            // 3.3.5.4: "If Connection.NegotiateDialect is ... already set, the server MUST disconnect".
            rc.disconnect("second NEGOTIATE on a connection with dialect " + Smb2Dialect.name(conn.dialect()));
            return null;
        }
        Smb2NegotiateRequest req = Smb2NegotiateRequest.decode(rc.request);
        SmbConfig cfg = conn.server().config();
        int dialect = dialect(cfg, req);
        if (dialect == 0) {
            throw new Smb2Exception(NtStatus.NOT_SUPPORTED, "no common dialect: client offers "
                    + java.util.Arrays.stream(req.dialects()).mapToObj(Smb2Dialect::name).toList() + ", server allows "
                    + Smb2Dialect.name(cfg.minDialect()) + ".." + Smb2Dialect.name(cfg.maxDialect()));
        }
        conn.dialect(dialect);
        conn.clientCapabilities(req.capabilities());
        conn.clientSecurityMode(req.securityMode());
        conn.clientGuid(req.clientGuid());
        conn.clientDialects(req.dialects());
        List<Smb2NegotiateContext> contexts = new ArrayList<>();
        int caps = 0;
        if (dialect >= Smb2Dialect.SMB2_10) {
            caps |= Connection.CAP_LARGE_MTU;
            if (cfg.oplocking().leases()) {
                caps |= Connection.CAP_LEASING;
            }
        }
        if (dialect == Smb2Dialect.SMB3_00 || dialect == Smb2Dialect.SMB3_02) {
            if ((req.capabilities() & Connection.CAP_ENCRYPTION) != 0) {
                caps |= Connection.CAP_ENCRYPTION;
                conn.cipherId(Smb2TransformCipher.AES_128_CCM);
            }
            conn.signingAlgorithm(Smb2Signer.AES_CMAC);
        } else if (dialect == Smb2Dialect.SMB3_11) {
            contexts = negotiateContexts(conn, req);
        }
        if (Smb2Dialect.isSmb3(dialect) && cfg.multiChannel()
                && (req.capabilities() & Connection.CAP_MULTI_CHANNEL) != 0) {
            // 3.3.5.4: with IsMultiChannelCapable, the server sets MULTI_CHANNEL when the client asks for it
            caps |= Connection.CAP_MULTI_CHANNEL;
        }
        conn.serverCapabilities(caps);
        conn.serverSecurityMode(Connection.SECURITY_SIGNING_ENABLED
                | (cfg.signing() == SigningSetting.MANDATORY ? Connection.SECURITY_SIGNING_REQUIRED : 0));
        int maxIo = dialect == Smb2Dialect.SMB2_02 ? MAX_IO_202 : MAX_IO;
        conn.maxTransactSize(maxIo);
        conn.maxReadSize(maxIo);
        conn.maxWriteSize(maxIo);
        if (dialect == Smb2Dialect.SMB3_11) {
            conn.hashPreauth(rc.request.content());
            rc.onEncoded = conn::hashPreauth;
        }
        return Reply.ok(response(conn, dialect, contexts));
    }

    /** The highest dialect both the client and the configured range allow; 0 when there is none. */
    static int dialect(SmbConfig cfg, Smb2NegotiateRequest req) {
        int dialect = 0;
        for (int d : req.dialects()) {
            if (d >= cfg.minDialect() && d <= cfg.maxDialect() && d > dialect
                    && java.util.Arrays.stream(Smb2Dialect.SUPPORTED).anyMatch(s -> s == d)) {
                dialect = d;
            }
        }
        return dialect;
    }

    private static Smb2NegotiateResponse response(Connection conn, int dialect, List<Smb2NegotiateContext> contexts) {
        return new Smb2NegotiateResponse(conn.serverSecurityMode(), dialect, conn.server().serverGuid(),
                conn.serverCapabilities(), conn.maxTransactSize(), conn.maxReadSize(), conn.maxWriteSize(),
                FileTimes.now(),
                0, SpnegoServer.negotiateToken(), contexts);
    }

    /** 3.3.5.4 steps for 3.1.1 negotiate contexts; NETNAME and unknown contexts are ignored. */
    private static List<Smb2NegotiateContext> negotiateContexts(Connection conn, Smb2NegotiateRequest req)
            throws Smb2Exception {
        List<Smb2NegotiateContext> out = new ArrayList<>();
        boolean preauth = false;
        conn.signingAlgorithm(Smb2Signer.AES_CMAC);
        for (Smb2NegotiateContext c : req.contexts()) {
            ByteBuffer d = ByteBuffer.wrap(c.data()).order(ByteOrder.LITTLE_ENDIAN);
            switch (c.type()) {
                case Smb2NegotiateContext.PREAUTH_INTEGRITY_CAPABILITIES -> {
                    if (preauth || !offers(d, 4, PreauthIntegrity.SHA_512)) {
                        throw new Smb2Exception(NtStatus.INVALID_PARAMETER,
                                "PREAUTH_INTEGRITY_CAPABILITIES repeated or without SHA-512 (1)");
                    }
                    preauth = true;
                    byte[] salt = new byte[32];
                    RANDOM.nextBytes(salt);
                    ByteBuffer r = ByteBuffer.allocate(38).order(ByteOrder.LITTLE_ENDIAN);
                    r.putShort((short) 1).putShort((short) 32).putShort((short) PreauthIntegrity.SHA_512).put(salt);
                    out.add(new Smb2NegotiateContext(c.type(), r.array()));
                }
                case Smb2NegotiateContext.ENCRYPTION_CAPABILITIES -> {
                    int chosen = choose(d, CIPHERS);
                    conn.cipherId(chosen);
                    out.add(new Smb2NegotiateContext(c.type(), oneChoice(chosen)));
                }
                case Smb2NegotiateContext.SIGNING_CAPABILITIES -> {
                    int chosen = choose(d, SIGNING);
                    if (chosen >= 0) {
                        conn.signingAlgorithm(chosen);
                        out.add(new Smb2NegotiateContext(c.type(), oneChoice(chosen)));
                    }
                }
                default -> { } // NETNAME (ignored by spec), COMPRESSION, TRANSPORT, RDMA: not offered
            }
        }
        if (!preauth) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "3.1.1 NEGOTIATE without PREAUTH_INTEGRITY_CAPABILITIES");
        }
        return out;
    }

    private static boolean offers(ByteBuffer d, int listStart, int value) {
        if (d.limit() < 2) {
            return false;
        }
        int n = d.getShort(0) & 0xFFFF;
        for (int i = 0; i < n && listStart + 2 * i + 2 <= d.limit(); i++) {
            if ((d.getShort(listStart + 2 * i) & 0xFFFF) == value) {
                return true;
            }
        }
        return false;
    }

    /** The first of the server's {@code preference} the client lists; 0 (none) for ciphers, -1 for signing. */
    private static int choose(ByteBuffer d, int[] preference) {
        for (int p : preference) {
            if (offers(d, 2, p)) {
                return p;
            }
        }
        return preference == CIPHERS ? 0 : -1;
    }

    private static byte[] oneChoice(int id) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 1).putShort((short) id).array();
    }

    /** Dialect strings of a refused SMB1 NEGOTIATE that its log line shows. */
    private static final int LOGGED_DIALECTS = 12;

    /**
     * 3.3.5.3.1: an SMB1 NEGOTIATE offering "SMB 2.???" gets an SMB2 NEGOTIATE response with the wildcard
     * dialect 0x02FF (the client then sends an SMB2 NEGOTIATE); one offering only "SMB 2.002" gets 2.0.2.
     *
     * @return the SMB2 NEGOTIATE response, or, for a client that offers no SMB2 dialect, the SMB1 "no dialect"
     *     answer Samba gives (after which the connection is closed)
     */
    Object handleSmb1(Smb1NegotiateRequest req, Connection conn, ChannelHandlerContext ctx) {
        SmbConfig cfg = conn.server().config();
        int dialect;
        if (req.dialects().contains("SMB 2.???")) {
            dialect = Smb2Dialect.SMB2_WILDCARD;
        } else if (req.dialects().contains("SMB 2.002") && cfg.minDialect() == Smb2Dialect.SMB2_02) {
            dialect = Smb2Dialect.SMB2_02;
            conn.maxTransactSize(MAX_IO_202);
            conn.maxReadSize(MAX_IO_202);
            conn.maxWriteSize(MAX_IO_202);
        } else {
            java.util.logging.Logger.getLogger(NegotiateHandler.class.getName()).info("SMB1 NEGOTIATE from "
                    + ctx.channel().remoteAddress() + " offers no SMB2 dialect "
                    + req.dialects().subList(0, Math.min(req.dialects().size(), LOGGED_DIALECTS))
                    + ": answered 'no compatible protocol' (DialectIndex 0xFFFF) and closed; SMB1 is not supported");
            return ctx.alloc().buffer(Smb1NegotiateRequest.HEADER_SIZE + 5).writeBytes(req.noDialectResponse());
        }
        if (conn.dialect() != 0) {
            ctx.close();
            throw new IllegalStateException("SMB1 NEGOTIATE after a NEGOTIATE from " + ctx.channel().remoteAddress());
        }
        conn.dialect(dialect);
        conn.serverSecurityMode(Connection.SECURITY_SIGNING_ENABLED
                | (cfg.signing() == SigningSetting.MANDATORY ? Connection.SECURITY_SIGNING_REQUIRED : 0));
        ByteBuf body = ctx.alloc().buffer();
        response(conn, dialect, List.of()).encode(body);
        return new Smb2Response(Smb2Command.NEGOTIATE, NtStatus.SUCCESS, body, 0, 0, 1, 0, 0, 0);
    }
}
