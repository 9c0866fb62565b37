package io.swrap.smbclient;

import io.swrap.smb.smb2.codec.Smb2Dialect;
import java.time.Duration;

/**
 * Everything a client connection and session need, immutable. Start from {@link #of(String, String)}
 * and change fields with the {@code with*} methods:
 * <ul>
 * <li>dialects {@link Smb2Dialect#SMB2_02}..{@link Smb2Dialect#SMB3_11} (offered: all of them in range);</li>
 * <li>{@code sign}: false (sign only when the server requires it, [MS-SMB2] 3.2.5.3.1);</li>
 * <li>{@code encrypt}: false (encrypt only when the server asks, 3.2.4.1.8); true needs 3.x;</li>
 * <li>{@code maxIo}: 1 MiB per READ/WRITE, capped by the server's MaxReadSize/MaxWriteSize;</li>
 * <li>{@code maxInFlight}: 8 READ/WRITE requests outstanding per file operation (at least 2 per channel);</li>
 * <li>{@code timeout}: 30 s for any single response;</li>
 * <li>{@code channels}: 1; more makes {@link SmbClient#connect} bind that many channels in all to the session
 * ({@link Session#bindChannels(int)}), [MS-SMB2] 3.2.4.1.7 multichannel, 3.x only.</li>
 * </ul>
 *
 * @param domain the NTLM user domain ("WORKGROUP", as smbclient sends by default)
 */
public record ClientConfig(String user, String password, String domain, int minDialect, int maxDialect,
        boolean sign, boolean encrypt, int maxIo, int maxInFlight, Duration timeout, int channels) {

    /** Windows' (and this project's server's) limit of channels per session, the first included. */
    public static final int MAX_CHANNELS = 32;

    public ClientConfig {
        if (minDialect > maxDialect || minDialect < Smb2Dialect.SMB2_02 || maxDialect > Smb2Dialect.SMB3_11) {
            throw new IllegalArgumentException("dialects: " + Smb2Dialect.name(minDialect) + ".."
                    + Smb2Dialect.name(maxDialect) + " (expected: a range within SMB2_02..SMB3_11)");
        }
        if (encrypt && !Smb2Dialect.isSmb3(maxDialect)) {
            throw new IllegalArgumentException("encrypt = true with max dialect " + Smb2Dialect.name(maxDialect)
                    + " (expected: SMB3_00 or later; SMB 2 has no encryption)");
        }
        if (maxIo < 1 || maxIo > 8 << 20) {
            throw new IllegalArgumentException("maxIo: " + maxIo + " (expected: 1..8388608)");
        }
        if (maxInFlight < 1 || maxInFlight > 256) {
            throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: 1..256)");
        }
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw new IllegalArgumentException("channels: " + channels + " (expected: 1.." + MAX_CHANNELS
                    + ", the channels a server allows per session)");
        }
        if (channels > 1 && !Smb2Dialect.isSmb3(maxDialect)) {
            throw new IllegalArgumentException("channels = " + channels + " with max dialect "
                    + Smb2Dialect.name(maxDialect) + " (expected: SMB3_00 or later; SMB 2 has no multichannel)");
        }
    }

    /** Defaults as listed above for {@code user}/{@code password}. */
    public static ClientConfig of(String user, String password) {
        return new ClientConfig(user, password, "WORKGROUP", Smb2Dialect.SMB2_02, Smb2Dialect.SMB3_11, false, false,
                1 << 20, 8, Duration.ofSeconds(30), 1);
    }

    /** Offers exactly one dialect. */
    public ClientConfig withDialect(int dialect) {
        return new ClientConfig(user, password, domain, dialect, dialect, sign, encrypt, maxIo, maxInFlight,
                timeout, channels);
    }

    public ClientConfig withSign(boolean on) {
        return new ClientConfig(user, password, domain, minDialect, maxDialect, on, encrypt, maxIo, maxInFlight,
                timeout, channels);
    }

    public ClientConfig withEncrypt(boolean on) {
        return new ClientConfig(user, password, domain, minDialect, maxDialect, sign, on, maxIo, maxInFlight,
                timeout, channels);
    }

    public ClientConfig withMaxIo(int bytes) {
        return new ClientConfig(user, password, domain, minDialect, maxDialect, sign, encrypt, bytes, maxInFlight,
                timeout, channels);
    }

    public ClientConfig withMaxInFlight(int requests) {
        return new ClientConfig(user, password, domain, minDialect, maxDialect, sign, encrypt, maxIo, requests,
                timeout, channels);
    }

    /** Channels per session, the first included (1..{@value #MAX_CHANNELS}). */
    public ClientConfig withChannels(int n) {
        return new ClientConfig(user, password, domain, minDialect, maxDialect, sign, encrypt, maxIo, maxInFlight,
                timeout, n);
    }

    public ClientConfig withTimeout(Duration t) {
        return new ClientConfig(user, password, domain, minDialect, maxDialect, sign, encrypt, maxIo, maxInFlight, t,
                channels);
    }

    @Override
    public String toString() {
        // The password stays out of logs and assertion messages.
        return "ClientConfig[user=" + user + ", domain=" + domain + ", dialects=" + Smb2Dialect.name(minDialect) + ".."
                + Smb2Dialect.name(maxDialect) + ", sign=" + sign + ", encrypt=" + encrypt + ", maxIo=" + maxIo
                + ", maxInFlight=" + maxInFlight + ", timeout=" + timeout + ", channels=" + channels + "]";
    }
}
