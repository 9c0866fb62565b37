# Shared by the scripts: finds JDK 25 (the release the modules are compiled for), installs the
# Debian packages a step needs, and builds the project when its jars are missing or older than the sources.
# shellcheck shell=bash

SWRAP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# The project version: the first <version> of the parent pom (its own; it has no parent).
SWRAP_VERSION=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$SWRAP_ROOT/pom.xml")
[ -n "$SWRAP_VERSION" ] || die "no <version> in $SWRAP_ROOT/pom.xml"
SWRAP_AGENT_JAR="$SWRAP_ROOT/swrap-agent/target/swrap-agent.jar"
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

# The JVM flags every JVM under the agent needs.
agent_jvm_flags() {
  printf '%s\n' "-javaagent:$SWRAP_AGENT_JAR" "--enable-native-access=ALL-UNNAMED"
}
