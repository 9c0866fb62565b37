package io.swrap.smb.smb2.auth;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;

/**
 * Server side of SPNEGO ([MS-SPNG], RFC 4178) with NTLMSSP as the only mechanism. Accepts
 * {@code [APPLICATION 0] {spnego OID, [0] NegTokenInit}} first and {@code [1] NegTokenResp} after,
 * and raw NTLMSSP tokens too. When the client sends a mechListMIC, it is verified and the server
 * answers with its own, as RFC 4178 section 5 requires once a MIC-capable mechanism completes.
 */
public final class SpnegoServer {
    static final ASN1ObjectIdentifier SPNEGO = new ASN1ObjectIdentifier("1.3.6.1.5.5.2");
    static final ASN1ObjectIdentifier NTLMSSP = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.2.2.10");

    private final NtlmServer ntlm;
    private byte[] mechTypesDer;
    private boolean raw;

    /** The outcome of one round: the token to send back and, when complete, who logged on with which key. */
    public record Step(byte[] outputToken, boolean complete, byte[] sessionKey, String user) {
    }

    public SpnegoServer(SmbPasswdFile users, String computerName, String domainName) {
        this.ntlm = new NtlmServer(users, computerName, domainName);
    }

    /**
     * Lets this exchange end as anonymous (no user name, an empty session key), as a re-authentication of
     * an established session may (Samba and Windows accept it: the session keeps its keys and handles).
     */
    public SpnegoServer allowAnonymous() {
        ntlm.allowAnonymous();
        return this;
    }

    /** The NEGOTIATE response's SecurityBuffer: a NegTokenInit offering NTLMSSP ([MS-SPNG] 3.2.5.2). */
    public static byte[] negotiateToken() {
        try {
            ASN1EncodableVector init = new ASN1EncodableVector();
            init.add(new DERTaggedObject(true, 0, new DERSequence(NTLMSSP)));
            ASN1EncodableVector gss = new ASN1EncodableVector();
            gss.add(SPNEGO);
            gss.add(new DERTaggedObject(true, 0, new DERSequence(init)));
            return new DERTaggedObject(false, BERTags.APPLICATION, 0, new DERSequence(gss)).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding of a constant token failed", e);
        }
    }

    /** Processes one SESSION_SETUP SecurityBuffer. */
    public Step accept(byte[] token, long nowFiletime) throws AuthException, IOException {
        if (token.length >= 8 && Arrays.equals(token, 0, 8, NtlmServer.SIGNATURE, 0, 8)) {
            raw = true;
            return ntlmStep(token, null, nowFiletime);
        }
        ASN1Primitive p;
        try {
            p = ASN1Primitive.fromByteArray(token);
        } catch (IOException | RuntimeException e) {
            throw new AuthException("security buffer of " + token.length + " bytes is neither SPNEGO nor NTLMSSP", e);
        }
        Parsed parsed;
        try {
            parsed = parse(p);
        } catch (RuntimeException e) {
            // ASN.1 of the wrong shape (a peer's bytes): the library says so with unchecked exceptions
            throw new AuthException("malformed SPNEGO token of " + token.length + " bytes: " + e.getMessage(), e);
        }
        return ntlmStep(parsed.token(), parsed.mic(), nowFiletime);
    }

    /** The NTLMSSP token (null: none) and mechListMIC of a NegTokenInit or NegTokenResp. */
    private record Parsed(byte[] token, byte[] mic) {
    }

    private Parsed parse(ASN1Primitive p) throws AuthException, IOException {
        if (p instanceof ASN1TaggedObject t && t.getTagClass() == BERTags.APPLICATION && t.getTagNo() == 0) {
            ASN1Sequence gss = (ASN1Sequence) t.getBaseUniversal(false, BERTags.SEQUENCE);
            if (!SPNEGO.equals(gss.getObjectAt(0)) || !(gss.getObjectAt(1) instanceof ASN1TaggedObject inner)
                    || inner.getTagNo() != 0) {
                throw new AuthException("GSS-API token is not SPNEGO NegTokenInit");
            }
            return negTokenInit(ASN1Sequence.getInstance(inner.getExplicitBaseObject()));
        }
        if (p instanceof ASN1TaggedObject t && t.getTagClass() == BERTags.CONTEXT_SPECIFIC && t.getTagNo() == 1) {
            return negTokenResp(ASN1Sequence.getInstance(t.getExplicitBaseObject()));
        }
        throw new AuthException("SPNEGO token is neither NegTokenInit nor NegTokenResp");
    }

    private Parsed negTokenInit(ASN1Sequence init) throws AuthException, IOException {
        ASN1Sequence mechTypes = null;
        byte[] mechToken = null;
        for (var e : init) {
            ASN1TaggedObject f = ASN1TaggedObject.getInstance(e);
            switch (f.getTagNo()) {
                case 0 -> mechTypes = ASN1Sequence.getInstance(f.getExplicitBaseObject());
                case 2 -> mechToken = ASN1OctetString.getInstance(f.getExplicitBaseObject()).getOctets();
                default -> { } // reqFlags [1], mechListMIC [3]: not used by NTLMSSP's first round
            }
        }
        if (mechTypes == null) {
            throw new AuthException("NegTokenInit without mechTypes");
        }
        boolean offered = false;
        for (var m : mechTypes) {
            offered |= NTLMSSP.equals(m);
        }
        if (!offered) {
            throw new AuthException("client offers no NTLMSSP (1.3.6.1.4.1.311.2.2.10); Kerberos is not supported");
        }
        mechTypesDer = mechTypes.getEncoded(ASN1Encoding.DER);
        // The optimistic token belongs to the client's first mechanism only.
        boolean optimistic = NTLMSSP.equals(mechTypes.getObjectAt(0)) && mechToken != null;
        return new Parsed(optimistic ? mechToken : null, null);
    }

    private Parsed negTokenResp(ASN1Sequence resp) throws AuthException {
        byte[] responseToken = null;
        byte[] mic = null;
        for (var e : resp) {
            ASN1TaggedObject f = ASN1TaggedObject.getInstance(e);
            switch (f.getTagNo()) {
                case 2 -> responseToken = ASN1OctetString.getInstance(f.getExplicitBaseObject()).getOctets();
                case 3 -> mic = ASN1OctetString.getInstance(f.getExplicitBaseObject()).getOctets();
                default -> { } // negState [0], supportedMech [1]
            }
        }
        if (responseToken == null) {
            throw new AuthException("NegTokenResp without responseToken");
        }
        return new Parsed(responseToken, mic);
    }

    private Step ntlmStep(byte[] token, byte[] clientMic, long now) throws AuthException, IOException {
        if (token == null || token.length < 12 || token[8] == 1) {
            byte[] challenge = ntlm.challenge(token, now);
            return new Step(raw ? challenge : resp(1, challenge, null), false, null, null);
        }
        byte[] key = ntlm.authenticate(token);
        if (key.length == 0 && clientMic != null) {
            throw new AuthException("anonymous logon with a mechListMIC, which it has no key for");
        }
        byte[] serverMic = null;
        if (clientMic != null && mechTypesDer != null) {
            if (!MessageDigest.isEqual(clientMic, ntlm.mac(mechTypesDer, true))) {
                throw new AuthException("user " + ntlm.userName() + ": SPNEGO mechListMIC mismatch");
            }
            serverMic = ntlm.mac(mechTypesDer, false);
        }
        return new Step(raw ? new byte[0] : resp(0, null, serverMic), true, key, ntlm.userName());
    }

    /** NegTokenResp with negState 0 (accept-completed) or 1 (accept-incomplete). */
    private static byte[] resp(int negState, byte[] responseToken, byte[] mic) throws IOException {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new DERTaggedObject(true, 0, new ASN1Enumerated(negState)));
        if (negState == 1) {
            v.add(new DERTaggedObject(true, 1, NTLMSSP));
        }
        if (responseToken != null) {
            v.add(new DERTaggedObject(true, 2, new DEROctetString(responseToken)));
        }
        if (mic != null) {
            v.add(new DERTaggedObject(true, 3, new DEROctetString(mic)));
        }
        return new DERTaggedObject(true, 1, new DERSequence(v)).getEncoded(ASN1Encoding.DER);
    }
}
