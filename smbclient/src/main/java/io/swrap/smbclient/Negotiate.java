package io.swrap.smbclient;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.codec.Smb2Header;
import io.swrap.smb.smb2.codec.Smb2NegotiateContext;
import io.swrap.smb.smb2.crypto.PreauthIntegrity;
import io.swrap.smb.smb2.crypto.Smb2Signer;
import io.swrap.smb.smb2.crypto.Smb2TransformCipher;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * [MS-SMB2] 3.2.4.2.2.2 sending the SMB2 NEGOTIATE Request (2.2.3) and 3.2.5.2 receiving its response
 * (2.2.4): the dialects of the config, and for 3.1.1 the PREAUTH_INTEGRITY (SHA-512), ENCRYPTION
 * and SIGNING contexts.
 */
final class Negotiate {
    static final int SIGNING_ENABLED = 0x0001;
    static final int SIGNING_REQUIRED = 0x0002;
    static final int CAP_LARGE_MTU = 0x00000004;
    static final int CAP_ENCRYPTION = 0x00000040;
    /** Client preference, as Windows 11: GCM before CCM, 128 before 256. */
    private static final int[] CIPHERS = {Smb2TransformCipher.AES_128_GCM, Smb2TransformCipher.AES_128_CCM,
        Smb2TransformCipher.AES_256_GCM, Smb2TransformCipher.AES_256_CCM};
    private static final int[] SIGNING = {Smb2Signer.AES_GMAC, Smb2Signer.AES_CMAC, Smb2Signer.HMAC_SHA256};
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * What the connection settled (Connection.Server* of 3.2.1.2).
     *
     * @param cipherId Connection.CipherId, 0 when the server offers no encryption
     * @param signingAlgorithm the SigningAlgorithmId of 3.x ({@link Smb2Signer} constants)
     * @param securityBuffer the server's GSS token (a SPNEGO NegTokenInit)
     */
    record Result(int dialect, int securityMode, int capabilities, byte[] serverGuid, int maxTransactSize,
            int maxReadSize, int maxWriteSize, int cipherId, int signingAlgorithm, byte[] securityBuffer) {

        boolean signingRequired() {
            return (securityMode & SIGNING_REQUIRED) != 0;
        }
    }

    /**
     * What the client sent: Connection.ClientSecurityMode, ClientCapabilities, ClientGuid and the dialects,
     * repeated in FSCTL_VALIDATE_NEGOTIATE_INFO (and, later, by channels binding to a session).
     */
    record Offer(int securityMode, int capabilities, byte[] clientGuid, List<Integer> dialects) {
    }

    private Negotiate() {
    }

    static void run(Connection c, byte[] clientGuid) throws IOException {
        ClientConfig cfg = c.config;
        List<Integer> dialects = new ArrayList<>();
        for (int d : Smb2Dialect.SUPPORTED) {
            if (d >= cfg.minDialect() && d <= cfg.maxDialect()) {
                dialects.add(d);
            }
        }
        boolean offer311 = dialects.contains(Smb2Dialect.SMB3_11);
        // Capabilities: LARGE_MTU for 2.1+, ENCRYPTION only when a 3.x dialect is offered (2.2.3); MULTI_CHANNEL
        // only when the config asks for channels, so that a single-channel client sends what it always sent.
        boolean smb3 = Smb2Dialect.isSmb3(cfg.maxDialect());
        Offer offer = new Offer(cfg.sign() ? SIGNING_REQUIRED | SIGNING_ENABLED : SIGNING_ENABLED,
                CAP_LARGE_MTU | (smb3 ? CAP_ENCRYPTION : 0)
                        | (smb3 && cfg.channels() > 1 ? ChannelBinder.CAP_MULTI_CHANNEL : 0),
                clientGuid.clone(), List.copyOf(dialects));
        Request req = new Request(Smb2Command.NEGOTIATE);
        ByteBuf b = req.body;
        b.writeShortLE(36); // StructureSize
        b.writeShortLE(dialects.size());
        b.writeShortLE(offer.securityMode());
        b.writeShortLE(0); // Reserved
        b.writeIntLE(offer.capabilities());
        b.writeBytes(clientGuid);
        int contextOffsetAt = b.writerIndex();
        b.writeIntLE(0); // NegotiateContextOffset (3.1.1) or ClientStartTime (earlier): patched below
        b.writeShortLE(offer311 ? 3 : 0); // NegotiateContextCount
        b.writeShortLE(0); // Reserved2
        for (int d : dialects) {
            b.writeShortLE(d);
        }
        if (offer311) {
            // 2.2.3.1: the first context is 8-byte aligned from the header start; each following one too.
            align8(b);
            b.setIntLE(contextOffsetAt, 64 + b.writerIndex());
            byte[] salt = new byte[32];
            RANDOM.nextBytes(salt);
            ByteBuf preauth = b.alloc().buffer().writeShortLE(1).writeShortLE(salt.length)
                    .writeShortLE(PreauthIntegrity.SHA_512).writeBytes(salt);
            context(b, Smb2NegotiateContext.PREAUTH_INTEGRITY_CAPABILITIES, preauth);
            align8(b);
            context(b, Smb2NegotiateContext.ENCRYPTION_CAPABILITIES, idList(b, CIPHERS));
            align8(b);
            context(b, Smb2NegotiateContext.SIGNING_CAPABILITIES, idList(b, SIGNING));
        }
        byte[][] sent = new byte[1][];
        req.onEncoded(m -> sent[0] = ByteBufUtil.getBytes(m));
        Response r = c.call(req).ok("NEGOTIATE with " + c.server);
        c.offer = offer;
        c.negotiated = parse(r, dialects);
        if (c.negotiated.dialect() == Smb2Dialect.SMB3_11) {
            byte[] h = PreauthIntegrity.update(new byte[PreauthIntegrity.HASH_SIZE],
                    Unpooled.wrappedBuffer(sent[0]));
            c.preauthHash = PreauthIntegrity.update(h, r.message());
        }
    }

    private static Result parse(Response r, List<Integer> offered) throws IOException {
        ByteBuf m = r.message();
        int dialect = m.getUnsignedShortLE(r.body(4));
        if (!offered.contains(dialect)) {
            throw new IOException("server chose dialect " + Smb2Dialect.name(dialect) + ", not one offered: "
                    + offered.stream().map(Smb2Dialect::name).toList());
        }
        int securityMode = m.getUnsignedShortLE(r.body(2));
        int contextCount = m.getUnsignedShortLE(r.body(6));
        byte[] serverGuid = r.bytesAt(Smb2Header.SIZE + 8, 16);
        int caps = m.getIntLE(r.body(24));
        int maxTransact = m.getIntLE(r.body(28));
        int maxRead = m.getIntLE(r.body(32));
        int maxWrite = m.getIntLE(r.body(36));
        byte[] gss = r.bytesAt(m.getUnsignedShortLE(r.body(56)), m.getUnsignedShortLE(r.body(58)));
        int cipher = 0;
        int signing = Smb2Dialect.isSmb3(dialect) ? Smb2Signer.AES_CMAC : Smb2Signer.HMAC_SHA256;
        if (dialect == Smb2Dialect.SMB3_00 || dialect == Smb2Dialect.SMB3_02) {
            cipher = (caps & CAP_ENCRYPTION) != 0 ? Smb2TransformCipher.AES_128_CCM : 0; // 3.2.5.2
        } else if (dialect == Smb2Dialect.SMB3_11) {
            int p = (int) m.getUnsignedIntLE(r.body(60));
            boolean preauth = false;
            for (int i = 0; i < contextCount; i++) {
                p = (p + 7) & ~7;
                int type = m.getUnsignedShortLE(p);
                int len = m.getUnsignedShortLE(p + 2);
                int data = p + 8;
                switch (type) {
                    case Smb2NegotiateContext.PREAUTH_INTEGRITY_CAPABILITIES ->
                            preauth = m.getUnsignedShortLE(data) == 1 && m.getUnsignedShortLE(data + 4) == PreauthIntegrity.SHA_512;
                    case Smb2NegotiateContext.ENCRYPTION_CAPABILITIES -> cipher = oneChoice(m, data, "cipher", CIPHERS);
                    case Smb2NegotiateContext.SIGNING_CAPABILITIES -> signing = oneChoice(m, data, "signing", SIGNING);
                    default -> { } // 3.2.5.2: other contexts (compression, transport, RDMA) were not offered
                }
                p = data + len;
            }
            if (!preauth) {
                throw new IOException("3.1.1 NEGOTIATE response without a SHA-512 PREAUTH_INTEGRITY context");
            }
        }
        return new Result(dialect, securityMode, caps, serverGuid, maxTransact, maxRead, maxWrite, cipher, signing, gss);
    }

    /** 3.2.5.2: the server's list must hold exactly one of the ids offered (0 = no cipher is allowed). */
    private static int oneChoice(ByteBuf m, int data, String what, int[] offered) throws IOException {
        int count = m.getUnsignedShortLE(data);
        int id = m.getUnsignedShortLE(data + 2);
        boolean none = id == 0 && what.equals("cipher"); // 0: "no common cipher" (2.2.4.1.2)
        if (count != 1 || !none && Arrays.stream(offered).noneMatch(o -> o == id)) {
            throw new IOException("NEGOTIATE response " + what + " context: count " + count + ", id " + id
                    + " (expected: one of " + Arrays.toString(offered) + ")");
        }
        return id;
    }

    private static ByteBuf idList(ByteBuf like, int[] ids) {
        ByteBuf d = like.alloc().buffer().writeShortLE(ids.length);
        for (int id : ids) {
            d.writeShortLE(id);
        }
        return d;
    }

    /** 2.2.3.1 NEGOTIATE_CONTEXT: ContextType (2), DataLength (2), Reserved (4), Data. */
    private static void context(ByteBuf b, int type, ByteBuf data) {
        b.writeShortLE(type).writeShortLE(data.readableBytes()).writeIntLE(0).writeBytes(data);
        data.release();
    }

    /** Pads the body so that the next byte is 8-byte aligned from the header (64 bytes before the body). */
    private static void align8(ByteBuf b) {
        while (b.writerIndex() % 8 != 0) {
            b.writeByte(0);
        }
    }
}
