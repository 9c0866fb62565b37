package io.swrap.agent.hooks;

import io.swrap.agent.SwrapLog;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * The JDK classes as the agent advised them at an earlier start, so that later starts retransform
 * them without running ByteBuddy (most of the agent's start-up cost). One directory per JDK build
 * and agent jar (its size and modification time), one file per class holding the class
 * file the JVM handed over (as a {@link ClassFileKey}) and the advised one: an entry is used only
 * when the JVM hands over the same class file again, so a changed JDK, agent or another agent's transformation only
 * costs time. The directory must belong to this user
 * and be writable by nobody else (these bytes end up in java.base): otherwise the cache is not used.
 */
final class AdvisedClassCache {
    private static final int MAGIC = 0x53574143; // "SWAC"
    private static final int VERSION = 1;
    /** Larger entries are not cached (the largest advised JDK class is ~60 KB). */
    private static final int MAX_ENTRY = 4 << 20;
    private static volatile int selfUid = -1;
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    /** Null when the cache is off or unusable. */
    private final Path dir;
    /**
     * Entries read by {@link #preload}, by class name: a class advised as it loads, later, is looked
     * up here without touching a file in whatever thread loads it (an interrupted thread's file
     * channel would close, a file read could load classes in the middle of a class load).
     */
    private final Map<String, List<byte[]>> preloaded = new ConcurrentHashMap<>();

    private AdvisedClassCache(Path dir) {
        this.dir = dir;
    }

    static AdvisedClassCache off() {
        return new AdvisedClassCache(null);
    }

    /** The cache under {@code root} for this JDK and agent jar; off (with a debug line) if unusable. */
    static AdvisedClassCache open(Path root) {
        if (root == null) {
            return off();
        }
        String key;
        try {
            key = agentJarKey();
        } catch (IOException | RuntimeException e) {
            key = null;
        }
        if (key == null) {
            SwrapLog.debug("swrap_init", "advised class cache off: the agent jar is not on the class path");
            return off();
        }
        return open(root, key);
    }

    /** The cache under {@code root} for agent build {@code key}. */
    static AdvisedClassCache open(Path root, String key) {
        try {
            String jdk = fileNamePart(System.getProperty("java.vm.vendor", "") + "-"
                    + System.getProperty("java.runtime.version", ""));
            Path dir = root.resolve(jdk + "-" + key);
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
            for (Path p : new Path[] {root, dir}) {
                String problem = unsafe(p);
                if (problem != null) {
                    SwrapLog.warn("swrap_init", "advised class cache off: " + p + " " + problem
                            + " (it must belong to this user and be writable by nobody else)");
                    return off();
                }
            }
            return new AdvisedClassCache(dir);
        } catch (IOException | RuntimeException e) {
            SwrapLog.debug("swrap_init", "advised class cache off: " + root + ": " + e);
            return off();
        }
    }

    /**
     * Reads every entry of these classes now; returns the names that have at least one. A class
     * with an entry can be left to load when the application needs it: {@link #lookup} then finds
     * its advised class file in memory.
     */
    Set<String> preload(Collection<String> classNames) {
        Set<String> found = new HashSet<>();
        if (dir == null) {
            return found;
        }
        // java.io.File's listing: a DirectoryStream spins a lambda class before main
        String[] names = dir.toFile().list();
        if (names == null) {
            SwrapLog.debug("swrap_init", "advised class cache: cannot list " + dir
                    + "; the classes it holds are advised at start-up instead");
            return found;
        }
        try {
            for (String name : names) {
                if (!name.endsWith(".swac")) {
                    continue;
                }
                String stem = name.substring(0, name.length() - ".swac".length());
                int dot = stem.lastIndexOf('.');
                String className = dot < 0 ? stem : stem.substring(0, dot);
                Path file = dir.resolve(name);
                if (!classNames.contains(className) || unsafe(file) != null) {
                    continue;
                }
                preloaded.putIfAbsent(className, new ArrayList<>()); // no lambda before main
                preloaded.get(className).add(Files.readAllBytes(file));
                found.add(className);
            }
        } catch (IOException | RuntimeException e) {
            SwrapLog.debug("swrap_init", "advised class cache: cannot read " + dir + ": " + e
                    + "; the classes it holds are advised at start-up instead");
            preloaded.clear();
            found.clear();
        }
        return found;
    }

    /** The advised class file stored for this class file (up to the order of its methods), or null. */
    byte[] lookup(String className, byte[] classFile) {
        if (dir == null) {
            return null;
        }
        byte[] original = ClassFileKey.of(classFile);
        List<byte[]> entries = preloaded.get(className);
        if (entries != null) {
            for (byte[] entry : entries) {
                byte[] advised = advisedOf(entry, original);
                if (advised != null) {
                    return advised;
                }
            }
        }
        Path file = dir.resolve(fileName(className, original));
        try {
            if (unsafe(file) != null) {
                return null;
            }
            return advisedOf(Files.readAllBytes(file), original);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            SwrapLog.debug("swrap_init", "advised class cache: cannot read " + file + ": " + e);
            return null;
        }
    }

    /** The advised class file of this entry if it was made for {@code original}, else null. */
    private static byte[] advisedOf(byte[] entry, byte[] original) {
        ByteBuffer b = ByteBuffer.wrap(entry);
        if (entry.length < 16 || b.getInt() != MAGIC || b.getInt() != VERSION) {
            return null;
        }
        int originalLength = b.getInt();
        if (originalLength != original.length || originalLength > b.remaining() - 4) {
            return null;
        }
        int start = b.position();
        if (!Arrays.equals(entry, start, start + originalLength, original, 0, original.length)) {
            return null;
        }
        b.position(start + originalLength);
        int advisedLength = b.getInt();
        if (advisedLength != b.remaining()) {
            return null;
        }
        return Arrays.copyOfRange(entry, b.position(), entry.length);
    }

    /** Stores an entry (atomically: a JVM starting meanwhile sees the old entry, the new one or none). */
    void store(String className, byte[] classFile, byte[] advised) {
        if (dir == null || classFile.length + advised.length > MAX_ENTRY) {
            return;
        }
        byte[] original = ClassFileKey.of(classFile);
        ByteBuffer b = ByteBuffer.allocate(16 + original.length + advised.length);
        b.putInt(MAGIC).putInt(VERSION).putInt(original.length).put(original).putInt(advised.length).put(advised);
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, className, ".tmp", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, b.array());
            Files.move(tmp, dir.resolve(fileName(className, original)), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            SwrapLog.debug("swrap_init", "advised class cache: cannot store " + className + " in " + dir + ": " + e);
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write failed already, and was logged; a leftover temporary file is never read
                }
            }
        }
    }

    /** One file per class and original (its {@link ClassFileKey}). */
    private static String fileName(String className, byte[] original) {
        CRC32C crc = new CRC32C();
        crc.update(original);
        return className + "." + Long.toHexString(crc.getValue()) + ".swac";
    }

    /** This process's uid, read once: {@link #unsafe} checks every entry. */
    private static int selfUid() throws IOException {
        int uid = selfUid;
        if (uid < 0) {
            uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            selfUid = uid;
        }
        return uid;
    }

    /** Why a cache path must not be trusted, or null: it must be ours, not a link, not writable by others. */
    private static String unsafe(Path p) throws IOException {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (AccessDeniedException e) {
            return "is not readable";
        }
        if (a.isSymbolicLink()) {
            return "is a symbolic link";
        }
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int self = selfUid();
        if (uid != self) {
            return "belongs to uid " + uid + ", not to this process's uid " + self;
        }
        Set<PosixFilePermission> perms = a.permissions();
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            return "is writable by group or others (" + PosixFilePermissions.toString(perms) + ")";
        }
        return null;
    }

    /** The agent jar's size and modification time, which change with every build; null if not found. */
    private static String agentJarKey() throws IOException {
        Path jar = bootAgentJar();
        if (jar == null) {
            jar = agentJarOfResource();
        }
        if (jar == null) {
            return null;
        }
        PosixFileAttributes a = Files.readAttributes(jar, PosixFileAttributes.class);
        return "agent-" + a.size() + "-" + a.lastModifiedTime().toMillis();
    }

    /**
     * The jar the boot loader takes the agent's classes from, named by the JVM's boot class path
     * append (the manifest's {@code Boot-Class-Path}, {@code -Xbootclasspath/a}), without opening it:
     * a resource lookup opens the jar with java.util.zip and indexes its ~3,000 entries, 20-40 ms before
     * main. The first existing entry is where the boot loader looks first; it counts only if it has the
     * agent's name, else null (the caller then asks for the class file itself).
     */
    static Path bootAgentJar() {
        String append = savedBootAppend();
        if (append == null) {
            return null;
        }
        for (String entry : append.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path p = Path.of(entry);
            if (Files.isRegularFile(p) || Files.isDirectory(p)) {
                Path name = p.getFileName();
                return name != null && name.toString().equals("swrap-agent.jar") ? p : null;
            }
        }
        return null;
    }

    /**
     * {@code jdk.boot.class.path.append} as the JVM started with it (not a system property since JDK 9:
     * {@code jdk.internal.misc.VM} keeps it; Bootstrap exports that package to the agent). Null if unreadable.
     */
    private static String savedBootAppend() {
        try {
            // a direct method handle of a shape the JDK pre-generates: Method.invoke would spin an
            // adapter's classes before main
            MethodHandle get = MethodHandles.lookup().findStatic(Class.forName("jdk.internal.misc.VM"),
                    "getSavedProperty", MethodType.methodType(String.class, String.class));
            return (String) get.invokeExact("jdk.boot.class.path.append");
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            SwrapLog.debug("swrap_init", "the boot class path append is not readable (" + e
                    + "): the agent jar is found through its class file instead");
            return null;
        }
    }

    /** The jar holding this class's class file, found as a resource (opens the jar); null if not in a jar. */
    private static Path agentJarOfResource() {
        URL url = ClassLoader.getSystemResource(AdvisedClassCache.class.getName().replace('.', '/') + ".class");
        if (url == null || !"jar".equals(url.getProtocol())) {
            return null;
        }
        String spec = url.toString();
        int bang = spec.indexOf("!/");
        try {
            return Path.of(new URI(spec.substring("jar:".length(), bang < 0 ? spec.length() : bang)));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * {@code text} with every character but {@code A-Za-z0-9.+_-} replaced by {@code _}. A loop, not
     * {@code replaceAll}: a regular expression before main compiles a {@code Pattern} and spins its lambdas.
     */
    static String fileNamePart(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean keep = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '.' || c == '+' || c == '_' || c == '-';
            b.append(keep ? c : '_');
        }
        return b.toString();
    }
}
