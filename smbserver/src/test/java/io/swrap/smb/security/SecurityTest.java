package io.swrap.smb.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.swrap.smb.rpc.ndr.Sid;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityTest {
    private static final Sid DOMAIN = Sid.parse("S-1-5-21-1-2-3");
    private static final Token TESTER = Token.of(DOMAIN, 3000);
    private static final Token OTHER = Token.of(DOMAIN, 3002);
    private static final int ALL = SecurityDescriptor.OWNER_SECURITY_INFORMATION
            | SecurityDescriptor.GROUP_SECURITY_INFORMATION | SecurityDescriptor.DACL_SECURITY_INFORMATION;
    private static final int READ = 0x001200A9;
    private static final int FULL = AccessCheck.FILE_ALL_ACCESS;

    private static SecurityDescriptor sd(Sid owner, Ace... aces) {
        return new SecurityDescriptor(SecurityDescriptor.SE_DACL_PRESENT | SecurityDescriptor.SE_SELF_RELATIVE, owner,
                DOMAIN.append(513), List.of(aces));
    }

    private static Ace allow(int flags, int mask, Sid sid) {
        return new Ace(Ace.ACCESS_ALLOWED, flags, mask, sid);
    }

    @Test
    void encodesAndParsesTheSelfRelativeForm() throws Exception {
        SecurityDescriptor sd = sd(TESTER.user(), allow(0, FULL, TESTER.user()),
                new Ace(Ace.ACCESS_DENIED, Ace.OBJECT_INHERIT, 0x2, Sids.EVERYONE));
        byte[] b = sd.encode(ALL);
        assertEquals(sd, SecurityDescriptor.parse(b));
        assertArrayEquals(b, SecurityDescriptor.parse(b).encode(ALL));
        SecurityDescriptor ownerOnly = SecurityDescriptor.parse(sd.encode(SecurityDescriptor.OWNER_SECURITY_INFORMATION));
        assertEquals(TESTER.user(), ownerOnly.owner());
        assertNull(ownerOnly.group());
        assertNull(ownerOnly.dacl());
    }

    @Test
    void malformedDescriptorsAreRefusedBeforeAnythingIsRead() {
        byte[] b = sd(TESTER.user(), allow(0, FULL, TESTER.user())).encode(ALL);
        byte[] badOwner = b.clone();
        badOwner[4] = (byte) 0xF0; // owner offset far beyond the buffer
        assertThrows(InvalidSecurityDescriptorException.class, () -> SecurityDescriptor.parse(badOwner));
        byte[] manyAces = b.clone();
        int dacl = b[16] & 0xFF;
        manyAces[dacl + 4] = (byte) 0xFF; // AceCount 255 in an ACL holding one
        assertThrows(InvalidSecurityDescriptorException.class, () -> SecurityDescriptor.parse(manyAces));
        assertThrows(InvalidSecurityDescriptorException.class, () -> SecurityDescriptor.parse(Arrays.copyOf(b, 19)));
        assertThrows(InvalidSecurityDescriptorException.class,
                () -> SecurityDescriptor.parse(new byte[SecurityDescriptor.MAX_SIZE + 1]));
    }

    @Test
    void aDenyOnlyRemovesWhatNoEarlierAceGranted() {
        SecurityDescriptor sd = sd(TESTER.user(), allow(0, READ | 0x2, TESTER.user()),
                new Ace(Ace.ACCESS_DENIED, 0, 0x2 | 0x1, Sids.EVERYONE));
        assertEquals(READ | 0x2 | AccessCheck.WRITE_DAC, AccessCheck.maximal(sd, TESTER));
        assertEquals(READ & ~0x1, AccessCheck.maximal(sd(TESTER.user(),
                new Ace(Ace.ACCESS_DENIED, 0, 0x2 | 0x1, Sids.EVERYONE), allow(0, READ | 0x2, Sids.EVERYONE)), OTHER),
                "READ less READ_DATA, no write");
    }

    @Test
    void ownerRightsReplaceTheOwnersImplicitRights() {
        SecurityDescriptor plain = sd(TESTER.user(), allow(0, 0x1, Sids.EVERYONE));
        assertEquals(0x1 | AccessCheck.FILE_READ_ATTRIBUTES | AccessCheck.READ_CONTROL | AccessCheck.WRITE_DAC,
                AccessCheck.maximal(plain, TESTER));
        assertEquals(0x1 | AccessCheck.FILE_READ_ATTRIBUTES, AccessCheck.maximal(plain, OTHER));
        SecurityDescriptor rights = sd(TESTER.user(), allow(0, 0x1, Sids.EVERYONE), allow(0, 0x2, Sids.OWNER_RIGHTS));
        assertEquals(0x3 | AccessCheck.FILE_READ_ATTRIBUTES, AccessCheck.maximal(rights, TESTER));
        assertEquals(0x1 | AccessCheck.FILE_READ_ATTRIBUTES, AccessCheck.maximal(rights, OTHER));
        SecurityDescriptor nullDacl = new SecurityDescriptor(SecurityDescriptor.SE_DACL_PRESENT, TESTER.user(), null, null);
        assertEquals(FULL, AccessCheck.maximal(nullDacl, OTHER));
    }

    @Test
    void genericBitsAreStoredAsTheFileRightsTheyStandFor() {
        SecurityDescriptor set = sd(TESTER.user(), allow(0, 0x80000000, TESTER.user()),
                allow(Ace.OBJECT_INHERIT | Ace.INHERIT_ONLY, 0x40000000, Sids.CREATOR_OWNER));
        SecurityDescriptor stored = set.genericMapped();
        assertEquals(0x00120089, stored.dacl().get(0).mask(), "GENERIC_READ");
        assertEquals(0x40000000, stored.dacl().get(1).mask(), "inherit-only ACEs keep theirs");
        assertEquals(0x00120116, StoredAcl.forNew(stored, OTHER, false).dacl().get(0).mask(),
                "mapped when inherited");
    }

    @Test
    void autoInheritanceIsKeptOnlyWhenAskedForAndMarksWhatChildrenInherit() {
        int ai = SecurityDescriptor.SE_DACL_AUTO_INHERITED;
        int req = SecurityDescriptor.SE_DACL_AUTO_INHERIT_REQ;
        SecurityDescriptor dir = sd(TESTER.user(), allow(Ace.OBJECT_INHERIT, 0x2, TESTER.user()));
        SecurityDescriptor set = new SecurityDescriptor(ai | SecurityDescriptor.SE_SELF_RELATIVE, null, null,
                dir.dacl());
        int dacl = SecurityDescriptor.DACL_SECURITY_INFORMATION;
        assertEquals(0, dir.merge(set, dacl).control() & (ai | req), "AUTO_INHERITED without the REQ bit is dropped");
        SecurityDescriptor auto = dir.merge(new SecurityDescriptor(ai | req, null, null, dir.dacl()), dacl);
        assertEquals(ai, auto.control() & (ai | req), "with it, AUTO_INHERITED is kept and REQ is not");
        SecurityDescriptor file = StoredAcl.forNew(auto, TESTER, false);
        assertEquals(ai, file.control() & ai);
        assertEquals(List.of(allow(Ace.INHERITED, 0x2, TESTER.user())), file.dacl());
        assertEquals(auto.control(), auto.merge(sd(Sids.EVERYONE), SecurityDescriptor.OWNER_SECURITY_INFORMATION)
                .control(), "an owner change leaves the flags alone");
    }

    @Test
    void childrenInheritAsSambaShowsIt() {
        // the share root of a 0777 directory without a stored ACL, as smbcacls shows it on Samba
        SecurityDescriptor root = StoredAcl.fallback(new io.swrap.smb.vfs.FileInfo(0, 0, 0, 0, 0, 0, 0x10, true, 1, 1,
                1, 0, 0, 0));
        SecurityDescriptor dir = StoredAcl.forNew(root, TESTER, true);
        int inherit = Ace.OBJECT_INHERIT | Ace.CONTAINER_INHERIT;
        assertEquals(List.of(allow(0, FULL, TESTER.user()), allow(inherit | Ace.INHERIT_ONLY, FULL, Sids.CREATOR_OWNER),
                allow(0, READ, TESTER.primaryGroup()), allow(inherit | Ace.INHERIT_ONLY, READ, Sids.CREATOR_GROUP),
                allow(inherit, READ, Sids.EVERYONE)), dir.dacl());
        assertEquals(TESTER.user(), dir.owner());
        SecurityDescriptor file = StoredAcl.forNew(dir, OTHER, false);
        assertEquals(List.of(allow(0, FULL, OTHER.user()), allow(0, READ, OTHER.primaryGroup()),
                allow(0, READ, Sids.EVERYONE)), file.dacl());
        // nothing to inherit: Samba's default, the creator FULL, its group and Everyone READ
        assertEquals(file.dacl(), StoredAcl.forNew(sd(TESTER.user(), allow(0, FULL, Sids.EVERYONE)), OTHER, false).dacl());
    }
}
