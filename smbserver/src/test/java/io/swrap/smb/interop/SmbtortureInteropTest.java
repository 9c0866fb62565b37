package io.swrap.smb.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Samba's own conformance tests (smbtorture from Debian's samba-testsuite, 4.17) that this server passes,
 * kept as a regression net: compounds (related, invalid, interim/async), byte-range locks (blocking,
 * cancel, zero-length, flag validation), renames (sharing with the parent directory), change notify,
 * buffer-size checks of QUERY_INFO, directory enumeration, share modes, multichannel session binding
 * (channels of one session across connections, 32 at most), create replay by DH2Q CreateGuid and
 * ChannelSequence checks (smb2.replay; its dhv2-pending* tests take ~10 s each and are run by hand),
 * durable handles v1/v2 with reconnect after a disconnect (smb2.durable-open, smb2.durable-v2-open:
 * tests named in both suites are listed once, as smbtorture reports only the last name component).
 * Tests the server does not pass yet are listed in README.md, not here. smb2.notify.mask is left out
 * only because it takes 80 s (it waits for notifications the server does not generate).
 * smb2.create.multi and smb2.create.mkdir-dup send the same CREATE on several connections at once and
 * assert that exactly one creates the name and the others collide (FILE_CREATE) or open it (OPEN_IF),
 * whichever wins; the create is atomic (exclusive open or mkdir beneath the share's descriptor, EEXIST
 * opening the existing file), and scripts/stress-smbtorture runs them 50 times in a row.
 */
class SmbtortureInteropTest {
    private static final Path SMBTORTURE = Path.of("/usr/bin/smbtorture");
    private static final List<String> TESTS = List.of(
            "smb2.connect", "smb2.tcon",
            "smb2.create.brlocked", "smb2.create.delete", "smb2.create.leading-slash",
            "smb2.create.impersonation", "smb2.create.dir-alloc-size",
            "smb2.create.dosattr_tmp_dir", "smb2.create.open", "smb2.create.multi", "smb2.create.mkdir-dup",
            "smb2.read.eof", "smb2.read.position", "smb2.read.dir", "smb2.read.access",
            "smb2.dir.find", "smb2.dir.fixed", "smb2.dir.many", "smb2.dir.sorted", "smb2.dir.modify",
            "smb2.compound.related1", "smb2.compound.related2", "smb2.compound.related3", "smb2.compound.related5",
            "smb2.compound.related6", "smb2.compound.related8", "smb2.compound.related9", "smb2.compound.unrelated1",
            "smb2.compound.invalid1", "smb2.compound.invalid2", "smb2.compound.invalid3", "smb2.compound.invalid4",
            "smb2.compound.interim1", "smb2.compound.interim2", "smb2.compound.compound-break",
            "smb2.compound.create-write-close",
            "smb2.lock.rw-shared", "smb2.lock.rw-exclusive", "smb2.lock.auto-unlock", "smb2.lock.lock",
            "smb2.lock.async", "smb2.lock.cancel-tdis", "smb2.lock.errorcode", "smb2.lock.zerobytelength",
            "smb2.lock.zerobyteread", "smb2.lock.unlock", "smb2.lock.stacking", "smb2.lock.contend",
            "smb2.lock.context", "smb2.lock.range", "smb2.lock.overlap", "smb2.lock.truncate",
            "smb2.lock.valid-request", "smb2.lock.cancel", "smb2.lock.cancel-logoff", "smb2.lock.multiple-unlock",
            "smb2.rename.simple", "smb2.rename.simple_nodelete", "smb2.rename.no_sharing",
            "smb2.rename.share_delete_and_delete_access", "smb2.rename.no_share_delete_but_delete_access",
            "smb2.rename.share_delete_no_delete_access", "smb2.rename.no_share_delete_no_delete_access",
            "smb2.rename.msword", "smb2.rename.rename_dir_openfile", "smb2.rename.rename_dir_bench",
            "smb2.rename.close-full-information",
            "smb2.notify.tcon", "smb2.notify.dir", "smb2.notify.tdis", "smb2.notify.tdis1",
            "smb2.getinfo.fsinfo", "smb2.getinfo.qfs_buffercheck", "smb2.getinfo.qfile_buffercheck",
            "smb2.getinfo.qsec_buffercheck", "smb2.getinfo.granted",
            "smb2.sharemode.sharemode-access", "smb2.sharemode.access-sharemode", "smb2.sharemode.bug14375",
            "smb2.ioctl.compress_notsup_get", "smb2.ioctl.compress_notsup_set",
            "smb2.session.bind2", "smb2.multichannel.generic.interface_info",
            "smb2.multichannel.generic.num_channels",
            "smb2.replay.replay-commands", "smb2.replay.replay-regular", "smb2.replay.replay-dhv2-oplock1",
            "smb2.replay.replay-dhv2-oplock2", "smb2.replay.replay-dhv2-oplock3", "smb2.replay.replay-dhv2-oplock-lease",
            "smb2.replay.replay-dhv2-lease1", "smb2.replay.replay-dhv2-lease2", "smb2.replay.replay-dhv2-lease3",
            "smb2.replay.replay-dhv2-lease-oplock", "smb2.replay.channel-sequence", "smb2.replay.replay3",
            "smb2.replay.replay4", "smb2.replay.replay6", "smb2.replay.replay7",
            "smb2.durable-v2-open.create-blob", "smb2.durable-v2-open.open-oplock", "smb2.durable-v2-open.reopen1",
            "smb2.durable-v2-open.reopen2", "smb2.durable-v2-open.reopen2c", "smb2.durable-v2-open.durable-v2-setinfo",
            "smb2.durable-open.reopen2a", "smb2.durable-open.reopen3", "smb2.durable-open.delete_on_close2",
            "smb2.durable-open.file-position", "smb2.durable-open.lock-oplock");

    @Test
    void passesTheListedSmb2Suites(@TempDir Path tmp) throws Exception {
        assertTrue(Files.isExecutable(SMBTORTURE),
                SMBTORTURE + " is missing: install it with 'apt-get install -y samba-testsuite'");
        try (SmbTestServer s = SmbTestServer.start(tmp.resolve("srv"), "")) {
            List<String> cmd = new ArrayList<>(List.of(SMBTORTURE.toString(), "--configfile=/dev/null",
                    "//127.0.0.1/share", "-p", Integer.toString(s.port),
                    "-U", SmbTestServer.USER + "%" + SmbTestServer.PASSWORD));
            cmd.addAll(TESTS);
            SmbClient.Result r = SmbClient.runBounded(cmd, tmp, 90);
            String output = r.output();
            for (String t : TESTS) {
                String name = t.substring(t.lastIndexOf('.') + 1);
                assertTrue(output.contains("\nsuccess: " + name + "\n") || output.startsWith("success: " + name + "\n"),
                        t + " did not succeed:\n" + output);
            }
            assertEquals(0, r.exit(), output);
        }
    }
}
