package io.swrap.junit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process a {@link SwrapEnv} started in its fake network: a JVM under the agent or a program under
 * libsocket_wrapper. Its stdout is read line by line ({@link #expect}) and kept in {@code NAME.out} in
 * the environment's directory, its stderr in {@code NAME.err}; {@link SwrapEnv} ends it with the test,
 * or {@link #close()} earlier (e.g. to free its address for the next one).
 */
public final class SwrapProcess implements AutoCloseable {
    /** Stdout lines kept in memory for {@link #stdout()} and {@link #expect}; the file has them all. */
    static final int MAX_LINES = 100_000;
    /** How long {@link #expect(String)} and {@link #waitFor()} wait by default. */
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

    private final String name;
    private final Process process;
    private final Path stdoutFile;
    private final Path stderrFile;
    private final List<String> seen = new ArrayList<>();
    private final BlockingQueue<String> unread = new LinkedBlockingQueue<>(MAX_LINES);
    private final Thread pump;

    SwrapProcess(String name, ProcessBuilder pb, Path logDir) throws IOException {
        this.name = name;
        this.stdoutFile = logDir.resolve(name + ".out");
        this.stderrFile = logDir.resolve(name + ".err");
        pb.redirectError(stderrFile.toFile());
        this.process = pb.start();
        this.pump = Thread.ofPlatform().daemon().name("swrap-junit-" + name).start(this::pump);
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer file = Files.newBufferedWriter(stdoutFile, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                file.write(line);
                file.write('\n');
                file.flush();
                synchronized (seen) {
                    if (seen.size() < MAX_LINES) {
                        seen.add(line);
                    }
                }
                if (!unread.offer(line)) {
                    System.err.println("swrap-junit: " + name + ": more than " + MAX_LINES
                            + " lines not yet expected; the rest is only in " + stdoutFile);
                }
            }
        } catch (IOException e) {
            System.err.println("swrap-junit: reading the output of " + name + " failed: " + e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The process itself, for what this class does not offer (its stdin, its descendants). */
    public Process process() {
        return process;
    }

    /** Waits up to 60 s for the next stdout line matching {@code regex} (whole line); earlier lines are skipped. */
    public Matcher expect(String regex) throws InterruptedException {
        return expect(regex, DEFAULT_WAIT);
    }

    public Matcher expect(String regex, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? unread.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError(name + ": no line matching /" + regex + "/ within " + timeout
                        + "; alive=" + process.isAlive() + "; stdout so far: " + stdout() + "; stderr:\n" + stderr());
            }
            Matcher m = p.matcher(line);
            if (m.matches()) {
                return m;
            }
        }
    }

    /** Waits (at most 60 s) for the exit code, and for the output read to its end. */
    public int waitFor() throws InterruptedException {
        if (!process.waitFor(DEFAULT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + DEFAULT_WAIT + "; stdout: " + stdout()
                    + "; stderr:\n" + stderr());
        }
        pump.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    /** Waits for a successful exit. */
    public void succeeds() throws InterruptedException {
        int rc = waitFor();
        if (rc != 0) {
            throw new AssertionError(name + " exited with " + rc + "; stdout: " + stdout() + "; stderr:\n" + stderr());
        }
    }

    public List<String> stdout() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** Its stderr so far (read from {@code NAME.err}). */
    public String stderr() {
        try {
            return Files.readString(stderrFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<cannot read " + stderrFile + ": " + e + ">";
        }
    }

    Path stdoutFile() {
        return stdoutFile;
    }

    Path stderrFile() {
        return stderrFile;
    }

    /**
     * Ends the process and everything it started: descendants first (SIGTERM, then SIGKILL after {@code grace}),
     * then the process. Returns those still alive afterwards (empty: no orphans).
     */
    List<ProcessHandle> end(Duration grace) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : tree) {
            long left = deadline - System.nanoTime();
            try {
                h.onExit().get(Math.max(1, left), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                h.destroyForcibly();
            }
        }
        List<ProcessHandle> left = new ArrayList<>();
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                left.add(h);
            }
        }
        pump.join(TimeUnit.SECONDS.toMillis(5));
        return left;
    }

    /** Ends the process and its descendants now (SIGTERM, SIGKILL after 10 s); idempotent. */
    @Override
    public void close() {
        try {
            List<ProcessHandle> left = end(SwrapEnv.GRACE);
            if (!left.isEmpty()) {
                throw new AssertionError(name + ": still alive after SIGKILL: " + left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while ending " + name, e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + (process.isAlive() ? ")" : ", exited)");
    }
}
