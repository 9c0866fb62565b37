package io.swrap.shm;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Creates or attaches to a table file and maps it.
 *
 * <p>Creation is race-free without any lock: the creator builds the complete file under a
 * temporary name in the same directory (header and free list; the mutex is initialised by its
 * first locker, see {@link RobustMutex}), then publishes it with {@code link(2)} ({@link Files#createLink}), which fails if the name exists. So a file
 * at the path is always complete, and when several processes create at once exactly one link
 * wins; the losers delete their temporary file and attach to the winner's. {@code rename(2)}
 * would silently replace a file another process already uses, and {@link Files#move} without
 * REPLACE_EXISTING checks-then-renames, which races; an flock during initialisation works only
 * if every attacher takes it too and copes with a creator that died between creating the file
 * and writing its header. A process killed during creation leaves only a
 * {@code .<name>.<pid>.<random>.init} file behind, never a half-made table; the next process that
 * opens the table deletes those of creators that are gone.
 *
 * <p>The file is created with mode 0666 masked by the umask, as C socket_wrapper's socket files
 * are, so a network shared by several users (a common group, umask 002) works.
 *
 * <p>The file channel is closed once mapped: the mapping keeps the file alive, and the agent
 * should not hold an extra descriptor in the programs it wraps.
 */
final class TableFile {
    /** Creation lost to a concurrent deleter this many times in a row: give up. */
    private static final int MAX_ATTEMPTS = 5;

    /** A mapping and the arena that unmaps it when closed. */
    record Mapping(Arena arena, MemorySegment map) {
    }

    private static final String INIT_SUFFIX = ".init";

    private TableFile() {
    }

    private static String initPrefix(Path path) {
        return "." + path.getFileName() + ".";
    }

    /**
     * Deletes the {@code .<name>.<pid>.<random>.init} files of creators that died half-way. A
     * file of a live creator, or one whose name carries no pid, is left alone.
     */
    static int reclaimStaleInits(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        String prefix = initPrefix(path);
        int reclaimed = 0;
        // a plain listing: a glob DirectoryStream compiles a regular expression and spins lambdas, in an
        // agent's start before main
        String[] names = dir.toFile().list();
        if (names == null) {
            throw new IOException("cannot list " + dir + " for stale table initialisations of " + path);
        }
        for (String name : names) {
            if (!name.startsWith(prefix) || !name.endsWith(INIT_SUFFIX)
                    || name.length() < prefix.length() + INIT_SUFFIX.length()) {
                continue;
            }
            String middle = name.substring(prefix.length(), name.length() - INIT_SUFFIX.length());
            int dot = middle.indexOf('.');
            long pid;
            try {
                pid = Long.parseLong(dot < 0 ? middle : middle.substring(0, dot));
            } catch (NumberFormatException e) {
                continue;
            }
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            if (Files.deleteIfExists(dir.resolve(name))) {
                reclaimed++;
            }
        }
        return reclaimed;
    }

    /** Maps the table at {@code path}, creating it first if it does not exist. */
    static Mapping openOrCreate(Path path, Layout layout) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return attach(path, layout);
            } catch (NoSuchFileException absent) {
                // Expected on first use: fall through and create it.
            }
            reclaimStaleInits(path);
            Mapping created = tryCreate(path, layout);
            if (created != null) {
                return created;
            }
            if (attempt == MAX_ATTEMPTS) {
                throw new FileSystemException(path.toString(), null, "another process created"
                        + " the table and it vanished before it could be opened, " + attempt
                        + " times: is something deleting it while it is in use?");
            }
        }
    }

    /** Maps an existing file after checking its header; writes nothing to the file. */
    private static Mapping attach(Path path, Layout layout) throws IOException {
        try (FileChannel channel = FileChannel.open(path, READ, WRITE)) {
            long size = channel.size();
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, Header.SIZE));
            while (head.hasRemaining() && channel.read(head, head.position()) >= 0) {
                // read(2) may return fewer bytes than asked: loop until the buffer is full.
            }
            String problem = Header.check(head.flip(), size, layout);
            if (problem != null) {
                throw new FileSystemException(path.toString(), null,
                        "incompatible swrap-shm table: " + problem + ". Open it with the layout"
                        + " it was created with, or delete it when no process uses it");
            }
            Arena arena = Arena.ofShared();
            try {
                return new Mapping(arena,
                        channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena));
            } catch (IOException | RuntimeException | Error e) {
                arena.close();
                throw e;
            }
        }
    }

    /** @return the mapping of the file this call created, or null if another process won */
    private static Mapping tryCreate(Path path, Layout layout) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        // createTempFile would force mode 0600: a second user could never open the table.
        // The name is unique, not secret: createFile is exclusive (O_EXCL), so a name taken already
        // fails rather than being followed; a SecureRandom cost each creator ~30 ms and ~50 classes
        long unique = ThreadLocalRandom.current().nextLong();
        Path temp = Files.createFile(dir.resolve(initPrefix(path) + ProcessId.current() + "."
                + Long.toUnsignedString(unique, 36) + INIT_SUFFIX));
        Arena arena = Arena.ofShared();
        boolean published = false;
        try {
            MemorySegment map;
            try (FileChannel channel = FileChannel.open(temp, READ, WRITE)) {
                // Writing the last byte makes a sparse, zero-filled file: all slots FREE.
                channel.write(ByteBuffer.allocate(1), layout.fileSize() - 1);
                map = channel.map(FileChannel.MapMode.READ_WRITE, 0, layout.fileSize(), arena);
            }
            Header.write(map, layout);
            new Slots(map, layout).format();
            // the mutex is left zero: its first locker initialises it (RobustMutex)
            try {
                Files.createLink(path, temp);
            } catch (FileAlreadyExistsException lost) {
                // Another process published first: drop ours (finally) and attach to theirs.
                return null;
            }
            published = true;
            return new Mapping(arena, map);
        } finally {
            if (!published) {
                arena.close();
            }
            Files.delete(temp);
        }
    }
}
