package io.swrap.smb.filestate;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Set;

/**
 * Whether a directory has a file below it that another process of a prefork server holds open: the shared
 * records know files by st_dev and st_ino only (no names), so the tree below the directory is walked and each
 * entry's identity looked up among {@code keys} (as Samba's {@code strict rename} does across smbds). Runs on
 * the I/O pool. Symbolic links are not followed.
 */
public final class OpenBelow {
    /** Entries a walk looks at; a directory with more below it cannot be renamed while other workers hold opens. */
    public static final int MAX_ENTRIES = 65536;

    private OpenBelow() {
    }

    /**
     * The first entry strictly below {@code dir} whose file is in {@code keys} (compared by file: a named
     * stream's key stands for its file), or null.
     *
     * @throws Smb2Exception ACCESS_DENIED when more than {@link #MAX_ENTRIES} entries are below {@code dir}
     * @throws IOException   if the tree cannot be read
     */
    public static Path find(Path dir, Set<FileKey> keys) throws IOException, Smb2Exception {
        Path[] found = new Path[1];
        int[] seen = new int[1];
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                return d.equals(dir) ? FileVisitResult.CONTINUE : visit(d);
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                return visit(f);
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                return FileVisitResult.CONTINUE; // gone since it was listed: nobody holds it open by that name
            }

            private FileVisitResult visit(Path p) throws IOException {
                if (++seen[0] > MAX_ENTRIES) {
                    return FileVisitResult.TERMINATE;
                }
                Map<String, Object> a;
                try {
                    a = Files.readAttributes(p, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
                } catch (java.nio.file.NoSuchFileException e) {
                    return FileVisitResult.CONTINUE;
                }
                if (keys.contains(new FileKey((Long) a.get("dev"), (Long) a.get("ino")))) {
                    found[0] = p;
                    return FileVisitResult.TERMINATE;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        if (found[0] == null && seen[0] > MAX_ENTRIES) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "directory " + dir + " has more than " + MAX_ENTRIES
                    + " entries below it to check for files other workers hold open (OpenBelow.MAX_ENTRIES):"
                    + " not renamed");
        }
        return found[0];
    }
}
