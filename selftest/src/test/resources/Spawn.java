import java.util.List;

/** A single-file launcher, as a build tool's exec goal: runs its arguments as a child process and waits. */
public class Spawn {
    public static void main(String[] args) throws Exception {
        Process p = new ProcessBuilder(List.of(args)).inheritIO().start();
        System.exit(p.waitFor());
    }
}
