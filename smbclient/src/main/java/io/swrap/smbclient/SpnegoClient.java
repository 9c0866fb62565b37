package io.swrap.smbclient;

import java.io.IOException;
import java.security.MessageDigest;
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
 * Client side of SPNEGO ([MS-SPNG], RFC 4178) with NTLMSSP as the only mechanism: a NegTokenInit carrying
 * the NEGOTIATE_MESSAGE, then a NegTokenResp with the AUTHENTICATE_MESSAGE and the mechListMIC, and the
 * server's final NegTokenResp checked (accept-completed, its mechListMIC when sent).
 */
final class SpnegoClient {
    private static final ASN1ObjectIdentifier SPNEGO = new ASN1ObjectIdentifier("1.3.6.1.5.5.2");
    private static final ASN1ObjectIdentifier NTLMSSP = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.2.2.10");
    private static final int ACCEPT_COMPLETED = 0;
    private static final int ACCEPT_INCOMPLETE = 1;

    private final NtlmClient ntlm;
    private final byte[] mechTypesDer;

    SpnegoClient(NtlmClient ntlm) {
        this.ntlm = ntlm;
        try {
            this.mechTypesDer = new DERSequence(NTLMSSP).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding of a constant failed", e);
        }
    }

    /** {@code [APPLICATION 0] {spnego, [0] NegTokenInit {[0] mechTypes, [2] mechToken}}}. */
    byte[] initialToken() throws IOException {
        ASN1EncodableVector init = new ASN1EncodableVector();
        init.add(new DERTaggedObject(true, 0, new DERSequence(NTLMSSP)));
        init.add(new DERTaggedObject(true, 2, new DEROctetString(ntlm.negotiate())));
        ASN1EncodableVector gss = new ASN1EncodableVector();
        gss.add(SPNEGO);
        gss.add(new DERTaggedObject(true, 0, new DERSequence(init)));
        return new DERTaggedObject(false, BERTags.APPLICATION, 0, new DERSequence(gss)).getEncoded(ASN1Encoding.DER);
    }

    /** Answers the server's accept-incomplete NegTokenResp (carrying the CHALLENGE_MESSAGE). */
    byte[] responseToken(byte[] serverToken) throws IOException {
        NegTokenResp r = parse(serverToken);
        if (r.negState != ACCEPT_INCOMPLETE || r.token == null) {
            throw new IOException("SPNEGO: expected accept-incomplete with an NTLMSSP challenge, got negState "
                    + r.negState + (r.token == null ? " without a token" : ""));
        }
        byte[] auth = ntlm.authenticate(r.token);
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new DERTaggedObject(true, 2, new DEROctetString(auth)));
        // [MS-SPNG] 3.1.5.1: NTLM with a MIC sets the integrity flag, so the mechListMIC must be sent.
        v.add(new DERTaggedObject(true, 3, new DEROctetString(ntlm.mac(mechTypesDer, true))));
        return new DERTaggedObject(true, 1, new DERSequence(v)).getEncoded(ASN1Encoding.DER);
    }

    /** Checks the final NegTokenResp: accept-completed and, if present, the server's mechListMIC. */
    void complete(byte[] serverToken) throws IOException {
        if (serverToken.length == 0) {
            return; // a server may end the exchange without a token (RFC 4178 5: the last token is optional)
        }
        NegTokenResp r = parse(serverToken);
        if (r.negState != ACCEPT_COMPLETED) {
            throw new IOException("SPNEGO: final negState " + r.negState + " (expected: 0, accept-completed)");
        }
        if (r.mic != null && !MessageDigest.isEqual(r.mic, ntlm.mac(mechTypesDer, false))) {
            throw new IOException("SPNEGO: the server's mechListMIC does not match; the exchange was tampered with"
                    + " or the server derived another session key");
        }
    }

    byte[] sessionKey() {
        return ntlm.sessionKey();
    }

    private record NegTokenResp(int negState, byte[] token, byte[] mic) {
    }

    private static NegTokenResp parse(byte[] token) throws IOException {
        ASN1Primitive p;
        try {
            p = ASN1Primitive.fromByteArray(token);
        } catch (IOException | RuntimeException e) {
            throw new IOException("SPNEGO: server token of " + token.length + " bytes is not DER", e);
        }
        if (!(p instanceof ASN1TaggedObject t) || t.getTagClass() != BERTags.CONTEXT_SPECIFIC || t.getTagNo() != 1) {
            throw new IOException("SPNEGO: server token is not a NegTokenResp ([1])");
        }
        int negState = -1;
        byte[] responseToken = null;
        byte[] mic = null;
        for (var e : ASN1Sequence.getInstance(t.getExplicitBaseObject())) {
            ASN1TaggedObject f = ASN1TaggedObject.getInstance(e);
            switch (f.getTagNo()) {
                case 0 -> negState = ASN1Enumerated.getInstance(f.getExplicitBaseObject()).intValueExact();
                case 1 -> {
                    if (!NTLMSSP.equals(f.getExplicitBaseObject())) {
                        throw new IOException("SPNEGO: server chose mechanism " + f.getExplicitBaseObject()
                                + " (expected: NTLMSSP " + NTLMSSP + ")");
                    }
                }
                case 2 -> responseToken = ASN1OctetString.getInstance(f.getExplicitBaseObject()).getOctets();
                case 3 -> mic = ASN1OctetString.getInstance(f.getExplicitBaseObject()).getOctets();
                default -> throw new IOException("SPNEGO: NegTokenResp field [" + f.getTagNo() + "] (expected: 0..3)");
            }
        }
        return new NegTokenResp(negState, responseToken, mic);
    }
}
