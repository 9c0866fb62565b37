# Shared by the scripts: finds JDK 25 (the release the modules are compiled for), installs the
# Debian packages a step needs, and builds the project when its jars are missing or older than the sources.
# shellcheck shell=bash

SWRAP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# The project version: the first <version> of the parent pom (its own; it has no parent).
SWRAP_VERSION=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$SWRAP_ROOT/pom.xml")
[ -n "$SWRAP_VERSION" ] || die "no <version> in $SWRAP_ROOT/pom.xml"
# The agent jar: this checkout's build output, unless the caller names another (the selftest JVM passes the
# jar its child JVMs run, for agent_jvm_flags).
SWRAP_AGENT_JAR=${SWRAP_AGENT_JAR:-$SWRAP_ROOT/swrap-agent/target/swrap-agent.jar}
# The server's runnable jar: its Class-Path names the jars Maven copies to smbserver/target/lib/.
SMBSERVER_JAR="$SWRAP_ROOT/smbserver/target/smbserver-$SWRAP_VERSION.jar"

# libsocket_wrapper.so where the Debian package installed it (whatever the architecture), or nothing.
libsocket_wrapper() {
  dpkg -L libsocket-wrapper 2>/dev/null | grep -m1 '/libsocket_wrapper\.so$' || true
}

# The feature version of the JDK at $1 (from its release file), or nothing when it is none (a JRE without
# javac cannot build the modules).
jdk_feature() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ -f "$1/release" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
}

# The Java feature release the agent and the server are compiled for: the parent pom's
# maven.compiler.release, which the enforcer also requires of the JDK that builds them.
REQUIRED_JDK=$(sed -n 's:.*<maven.compiler.release>\([0-9][0-9]*\)</maven.compiler.release>.*:\1:p' "$SWRAP_ROOT/pom.xml")
[ -n "$REQUIRED_JDK" ] || die "no <maven.compiler.release> in $SWRAP_ROOT/pom.xml: cannot tell which JDK the build needs"

# Where a new socket directory goes: a writable tmpfs ($XDG_RUNTIME_DIR, else /dev/shm) if there is one,
# else $TMPDIR or /tmp. Every connection creates and removes its client's autobind name, a file: on ext4 that
# made connect + echo + close 1.7-2.0x plain TCP, on tmpfs 1.2-1.4x (swrap-agent/README.md, the
# start-up and connect figures).
socket_dir_base() {
  local d
  for d in "${XDG_RUNTIME_DIR:-}" /dev/shm; do
    if [ -n "$d" ] && [ -d "$d" ] && [ -w "$d" ] && [ "$(stat -f -c %T "$d" 2>/dev/null)" = tmpfs ]; then
      echo "$d"
      return 0
    fi
  done
  echo "${TMPDIR:-/tmp}"
}

# Sets JAVA and JAVA_HOME: $JAVA_HOME if it is >= $REQUIRED_JDK, else the newest such JDK in /usr/lib/jvm.
find_jdk() {
  local v best="" bestv=0 d
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(jdk_feature "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$REQUIRED_JDK" ]; then best=$JAVA_HOME; bestv=$v; fi
  fi
  if [ -z "$best" ]; then
    for d in /usr/lib/jvm/*; do
      v=$(jdk_feature "$d")
      if [ -n "$v" ] && [ "$v" -ge "$REQUIRED_JDK" ] && [ "$v" -gt "$bestv" ]; then best=$d; bestv=$v; fi
    done
  fi
  [ -n "$best" ] || die "no JDK >= $REQUIRED_JDK found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm has: $(ls /usr/lib/jvm 2>/dev/null | tr '\n' ' ')); install JDK $REQUIRED_JDK and set JAVA_HOME"
  export JAVA_HOME=$best
  JAVA="$best/bin/java"
}

# Every Debian package that scripts/selftest or scripts/test runs something from: the C peers
# (libsocket-wrapper, libresolv-wrapper, python3), Samba's clients (smbclient; smbtorture from
# samba-testsuite), the build (maven), the leak matrix and smbpasswd checks (strace; unshare from
# util-linux; libsctp1 for the JDK's SCTP channels), a Java 17 for the agent's old-JVM message and
# tshark to read the pcap captures (its debconf question, about capturing as non-root, takes its
# default under DEBIAN_FRONTEND=noninteractive: the captures are files, nothing is sniffed), and
# python3-fusepy for the FUSE file system whose reads SlowIoIT holds, python3-impacket for ImpacketIT's
# client.
# Both commands ensure all of them, so either one works first on a fresh machine; selftest's
# PackagesTest checks every tool path the sources run, and every module the Python peers import, against
# this list.
SWRAP_PACKAGES=(libsocket-wrapper libresolv-wrapper python3 smbclient samba-common-bin samba-testsuite maven strace util-linux libsctp1 openjdk-17-jre-headless tshark python3-fusepy python3-impacket)

ensure_project_packages() { ensure_packages "${SWRAP_PACKAGES[@]}"; }

# Installs the named Debian packages that are missing (needs root; otherwise says what to run).
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing Debian packages: ${missing[*]}; run: sudo apt-get install -y ${missing[*]}"
  fi
  echo "installing Debian packages: ${missing[*]}" >&2
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/tmp/swrap-apt.log 2>&1; then
    apt-get update -q >>/tmp/swrap-apt.log 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>/tmp/swrap-apt.log 2>&1 \
      || die "apt-get install ${missing[*]} failed; see /tmp/swrap-apt.log"
  fi
}

# Runs Maven on the found JDK, quietly about Maven's own use of sun.misc.Unsafe.
mvn_run() {
  command -v mvn >/dev/null || ensure_packages maven
  MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B -f "$SWRAP_ROOT/pom.xml" "$@"
}

SWRAP_SELFTEST_CP="$SWRAP_ROOT/selftest/target/classpath.txt"

# What shows that MODULE is built: the file its build writes last.
build_stamp() {
  case $1 in
    selftest) echo "$SWRAP_SELFTEST_CP" ;;
    smbserver) echo "$SMBSERVER_JAR" ;;
    swrap-agent) echo "$SWRAP_AGENT_JAR" ;;
    *) die "build_stamp: unknown module $1 (expected: selftest, smbserver, swrap-agent)" ;;
  esac
}

# Builds MODULE (default selftest) and the modules it needs when its stamp is missing or older than any
# source or pom (selftest's build includes the agent: its suites run the agent jar).
ensure_built() {
  local module=${1:-selftest} stamp
  stamp=$(build_stamp "$module")
  # Set by the test suites, which run inside a build that has just produced the jars.
  if [ -n "${SWRAP_NO_BUILD:-}" ]; then
    [ -f "$stamp" ] || die "SWRAP_NO_BUILD is set but $stamp is missing"
    [ "$module" != selftest ] || [ -f "$SWRAP_AGENT_JAR" ] || die "SWRAP_NO_BUILD is set but $SWRAP_AGENT_JAR is missing"
    return 0
  fi
  if [ -f "$stamp" ] && { [ "$module" != selftest ] || [ -f "$SWRAP_AGENT_JAR" ]; } \
      && [ -z "$(find "$SWRAP_ROOT" -path '*/target' -prune -o \( -name '*.java' -o -name pom.xml -o -name '*.py' \) -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  echo "building swrap-java (mvn package -pl $module -am)..." >&2
  mvn_run -q package -DskipTests -pl "$module" -am >/tmp/swrap-build.log 2>&1 \
    || { tail -40 /tmp/swrap-build.log >&2; die "build failed; full log in /tmp/swrap-build.log"; }
  touch "$stamp"
}

# The class path of the selftest programs (peers, suites, benchmarks).
selftest_classpath() {
  echo "$SWRAP_ROOT/selftest/target/classes:$(cat "$SWRAP_SELFTEST_CP")"
}

# The JVM flags every JVM under the agent needs, one a line: the agent, and the JDK's AOT cache for it
# (swrap-agent/README.md, "AOT cache") unless SWRAP_CACHE_DIR=off or the cache cannot be built. Never fails:
# without a cache the JVM starts as before, only slower.
# Arguments: the module options of the JVM's own command line (java_module_options): the cache is the one
# trained with them, and the agent's native access is left out when they already grant it, so that the JVM
# ends with the very set the cache was trained with (the JVM refuses a cache's module graph otherwise).
agent_jvm_flags() {
  local aot own=() o
  for o in "${AGENT_AOT_FLAGS[@]:1}"; do
    case " $* " in
      *" $o "*) ;;
      *) own+=("$o") ;;
    esac
  done
  # whatever goes wrong with the cache, the agent's own flags are printed: without them a JVM would
  # run on the real network
  aot=$(agent_aot_cache "${own[@]}" "$@") || aot=""
  if [ -n "$aot" ]; then
    # -Xbootclasspath/a: the cache holds the agent's classes as the boot loader's, found on the boot class
    # path the JVM starts with (the manifest's Boot-Class-Path is appended later, too late for the cache).
    # The JVM's own AOT messages go to stderr: by default JVM warnings go to stdout, the program's data.
    printf '%s\n' "-Xbootclasspath/a:$SWRAP_AGENT_JAR" "${AGENT_AOT_FLAGS[0]}" "${own[@]}" "-XX:AOTCache=$aot" \
      "-Xlog:aot=off" "-Xlog:aot=warning:stderr"
  else
    printf '%s\n' "${AGENT_AOT_FLAGS[0]}" "${own[@]}"
  fi
}

# The module options of a java command line (the arguments after 'java'), one a line as --name=value, in
# their order: JDK_JAVA_OPTIONS first (the launcher reads it before the command line), then the options
# before the main class, -jar or -m, with the lines of @argfiles (split at white space; quotes are not
# interpreted). These are the options the JVM keeps in its module graph; an AOT cache trained with other
# ones serves the JVM without it ("Mismatched values for property jdk.module...").
java_module_options() {
  local args=() a f line
  read -r -a args <<<"${JDK_JAVA_OPTIONS:-}"
  for a in "$@"; do
    case $a in
      @@*) args+=("${a#@}") ;;
      @*)
        f=${a#@}
        [ -r "$f" ] || { args+=("$a"); continue; }
        while read -r line || [ -n "$line" ]; do
          case $line in \#*) continue ;; esac
          read -r -a words <<<"$line"
          args+=("${words[@]}")
        done <"$f"
        ;;
      *) args+=("$a") ;;
    esac
  done
  local i=0 n=${#args[@]}
  while [ $i -lt $n ]; do
    a=${args[$i]}
    case $a in
      --add-exports|--add-opens|--add-modules|--add-reads|--patch-module|--enable-native-access|--limit-modules|--upgrade-module-path)
        [ $((i + 1)) -lt $n ] && echo "$a=${args[$((i + 1))]}"
        i=$((i + 2)); continue ;;
      --add-exports=*|--add-opens=*|--add-modules=*|--add-reads=*|--patch-module=*|--enable-native-access=*|--limit-modules=*|--upgrade-module-path=*)
        echo "$a" ;;
      # options whose value is the next argument
      -cp|-classpath|--class-path|-p|--module-path|--source|-d|--describe-module) i=$((i + 1)) ;;
      # the main class, the jar or the module: what follows is the program's
      -jar|-m|--module|[!-]*) return 0 ;;
    esac
    i=$((i + 1))
  done
}

# The flags the AOT cache is trained with, and which every JVM using it gets (the first is the agent, the
# others are module options): the module options are part of the cache (its archived module graph), so a
# JVM with others cannot use it; agent_jvm_flags adds the JVM's own.
AGENT_AOT_FLAGS=("-javaagent:$SWRAP_AGENT_JAR" "--enable-native-access=ALL-UNNAMED")
# Class linking (JDK 25's default with -XX:AOTCacheOutput) crashes JDK 25.0.3 assembling a cache with
# this agent at work ("Metadata ... should have been archived", ArchiveHeapWriter::compute_ptrmap); without
# it the cache still holds the parsed and verified classes and the module graph.
AGENT_AOT_TRAINING=(-XX:-AOTClassLinking)

# Prints a line as socket_wrapper does: SWRAP_WARN[swrap-run (4711)] - swrap_aot: ... LEVEL is 0 error,
# 1 warn, 2 debug; printed when SOCKET_WRAPPER_DEBUGLEVEL is at least LEVEL, or ALWAYS is 1.
swrap_log() {
  local level=$1 always=$2 names=(SWRAP_ERROR SWRAP_WARN SWRAP_DEBUG SWRAP_TRACE)
  shift 2
  if [ "$always" = 1 ] || [ "${SOCKET_WRAPPER_DEBUGLEVEL:-0}" -ge "$level" ] 2>/dev/null; then
    echo "${names[$level]}[$(basename "$0") ($$)] - swrap_aot: $*" >&2
  fi
}

# The path of the agent's AOT cache for this agent jar, JDK and flags, built first if missing, or nothing
# (SWRAP_CACHE_DIR=off, or a failed build: a line says so). The name is a hash of all the cache depends on:
# the JVM refuses a cache whose jar has another path or modification time, or made by another JDK, so a
# rebuilt jar or a new JDK gets a new cache. Two starts at once: one builds under a lock, the other waits;
# the cache is written to a temporary name and renamed, so no JVM ever maps a half-written one.
# Arguments: the module options the JVM has besides the agent (one cache per set, in their order).
agent_aot_cache() {
  local base=${SWRAP_CACHE_DIR:-}
  if [ -z "$base" ]; then
    [ -n "${XDG_CACHE_HOME:-}${HOME:-}" ] || return 0 # nowhere to keep it
    base=${XDG_CACHE_HOME:-$HOME/.cache}/swrap-agent
  fi
  [ "$base" != off ] || return 0
  local dir="$base/aot" key aot
  key=$( {
    printf '%s\n' "$SWRAP_AGENT_JAR" "$JAVA_HOME" "${AGENT_AOT_FLAGS[0]}" "$*" "${AGENT_AOT_TRAINING[*]}"
    stat -L -c '%s %Y' "$SWRAP_AGENT_JAR" "$JAVA_HOME/lib/modules" "$JAVA_HOME/lib/server/libjvm.so"
    sha256sum <"$SWRAP_AGENT_JAR"
    cat "$JAVA_HOME/release"
  } 2>&1 | sha256sum | cut -c1-24)
  aot="$dir/$key.aot"
  if [ -f "$aot" ]; then echo "$aot"; return 0; fi
  if [ -f "$dir/$key.failed" ]; then
    swrap_log 1 0 "the AOT cache $aot failed to build before (log: $dir/$key.failed); running without it." \
      "Delete that file to try again"
    return 0
  fi
  if ! mkdir -p -m 700 "$dir" 2>/dev/null || ! [ -w "$dir" ]; then
    swrap_log 1 1 "cannot create or write $dir (SWRAP_CACHE_DIR=${SWRAP_CACHE_DIR:-unset}); running without an" \
      "AOT cache (slower start-up). Make it writable, or set SWRAP_CACHE_DIR=off to silence this"
    return 0
  fi
  (
    flock 9
    [ -f "$aot" ] || [ -f "$dir/$key.failed" ] || agent_aot_build "$dir" "$key" "$@"
  ) 9>"$dir/$key.lock"
  if [ -f "$aot" ]; then echo "$aot"; fi
  return 0
}

# Builds DIR/KEY.aot: a training run of io.swrap.agent.AotTraining under the agent in a throw-away network
# (-XX:AOTCacheOutput: the JVM records, then a child JVM assembles), then a check that a JVM accepts it
# (-XX:AOTMode=on fails instead of warning). A failure leaves DIR/KEY.failed with the log. The arguments
# after DIR and KEY are the module options to train with (the JVMs that map the cache have them).
agent_aot_build() {
  local dir=$1 key=$2 tmp net log rc=0
  shift 2
  tmp="$dir/$key.$$.tmp.aot"
  log="$dir/$key.$$.log"
  net=$(mktemp -d "${TMPDIR:-/tmp}/swrap-aot.XXXXXX")
  swrap_log 2 0 "building the AOT cache $dir/$key.aot (once per agent jar, JDK and module options: $*; log: $log)"
  # A clean environment: the caller's JAVA_TOOL_OPTIONS, LD_PRELOAD or socket_wrapper settings
  # (a pcap file, links) must not shape the training; the advised class cache is the caller's.
  # The recording JVM gets the agent jar on its boot class path from the manifest's Boot-Class-Path,
  # when the agent starts; the assembling child runs no agent (JDK_AOT_VM_OPTIONS are its alone), so it is
  # given the jar up front. Both end with one boot class path entry, which a user's JVM must then have
  # from its start (agent_jvm_flags), else it refuses the cache.
  env -i PATH="$PATH" HOME="${HOME:-/tmp}" SOCKET_WRAPPER_DIR="$net" SOCKET_WRAPPER_DEFAULT_IFACE=11 \
    SWRAP_CACHE_DIR="${dir%/aot}" \
    JDK_AOT_VM_OPTIONS="-Xbootclasspath/a:$SWRAP_AGENT_JAR" \
    timeout 600 "$JAVA_HOME/bin/java" -XX:AOTCacheOutput="$tmp" "${AGENT_AOT_TRAINING[@]}" \
    "${AGENT_AOT_FLAGS[0]}" "$@" -cp "" io.swrap.agent.AotTraining >"$log" 2>&1 || rc=$?
  rm -rf "$net"
  # The recording JVM exits 0 even when the assembling child crashed: the file is what tells. Then a JVM
  # with the flags of a real start must accept it (-XX:AOTMode=on: exit 1 where a user's JVM would warn).
  if [ $rc -ne 0 ] || ! [ -s "$tmp" ]; then
    echo "training exited $rc and left no cache ($tmp)" >>"$log"
    rc=1
  elif ! env -i PATH="$PATH" HOME="${HOME:-/tmp}" "$JAVA_HOME/bin/java" -XX:AOTMode=on -XX:AOTCache="$tmp" \
      -Xbootclasspath/a:"$SWRAP_AGENT_JAR" "${AGENT_AOT_FLAGS[0]}" "$@" -version >>"$log" 2>&1; then
    echo "a JVM with the agent's flags refused the new cache $tmp (-XX:AOTMode=on)" >>"$log"
    rc=1
  fi
  if [ $rc -eq 0 ] && mv -f "$tmp" "$dir/$key.aot"; then
    rm -f "$log"
    swrap_log 2 0 "built the AOT cache $dir/$key.aot"
    # caches of earlier jars and JDKs, not read for a week, go (a JVM that maps one keeps its mapping)
    find "$dir" -maxdepth 1 -name '*.aot' -atime +7 -delete 2>/dev/null || true
  else
    rm -f "$tmp" "$tmp.config"
    mv -f "$log" "$dir/$key.failed"
    swrap_log 1 1 "building the AOT cache $dir/$key.aot failed (log: $dir/$key.failed): this and later" \
      "JVMs start without it (slower, not wrong); delete the log to try again"
  fi
}
