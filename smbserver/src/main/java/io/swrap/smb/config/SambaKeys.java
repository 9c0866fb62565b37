package io.swrap.smb.config;

import java.util.Set;

/**
 * Samba settings a normal smb.conf carries (Debian's default one, Samba's selftest and anchor configurations)
 * that this server accepts and does not use: server roles and password backends (the server is a stand-alone
 * server with an smbpasswd file), printing, name services, PAM and unix password sync, guest mapping (guest
 * access is off), file modes and VFS modules. Keys are normalized as the parser does (lower case, no spaces).
 * A key in neither these lists nor the parser's is still an error.
 */
final class SambaKeys {
    private static final Set<String> GLOBAL = Set.of(
            "serverrole", "security", "maptoguest", "guestaccount", "passdbbackend", "obeypamrestrictions",
            "unixpasswordsync", "passwdprogram", "passwdchat", "pampasswordchange", "usershareallowguests",
            "usersharemaxshares", "usersharepath", "usershareowneronly", "loadprinters", "printing", "printcapname",
            "disablespoolss", "dnsproxy", "winssupport", "winsserver", "winsproxy", "domainmaster", "localmaster",
            "preferredmaster", "oslevel", "nameresolveorder", "netbiosaliases", "realm", "logging", "syslog",
            "syslogonly", "debugtimestamp", "debugpid", "debughirestimestamp", "panicaction", "bindinterfacesonly",
            "lockdirectory", "statedirectory", "cachedirectory", "piddirectory", "ncalrpcdir", "socketoptions",
            "unixcharset", "doscharset", "restrictanonymous", "ntlmauth", "lanmanauth", "clientsigning",
            "clientminprotocol", "clientmaxprotocol", "clientipcsigning", "templateshell", "templatehomedir",
            "kerberosmethod", "dedicatedkeytabfile", "usesendfile", "aiowritesize", "aioreadsize", "timeserver",
            "disablenetbios", "smb1unixextensions", "unixextensions", "allowinsecurewidelinks", "rpcserver:default",
            "rpc_server:default", "serverservices", "dcerpcendpointservers", "nsupdatecommand", "addmachinescript",
            "adduserscript", "deleteuserscript", "hostmsdfs", "kernelchangenotify", "fruit:model", "fruit:aapl");

    private static final Set<String> SHARE = Set.of(
            "guestok", "public", "guestonly", "createmask", "createmode", "directorymask", "directorymode",
            "forcecreatemode", "forcedirectorymode", "forceuser", "forcegroup", "validusers", "invalidusers",
            "writelist", "readlist", "adminusers", "hostsallow", "hostsdeny", "allowhosts", "denyhosts",
            "vfsobjects", "vetofiles", "deletevetofiles", "hidedotfiles", "hidefiles", "inheritpermissions",
            "inheritacls", "inheritowner", "oplocks", "level2oplocks", "kerneloplocks", "strictlocking",
            "strictsync", "available", "followsymlinks", "widelinks", "storedosattributes", "easupport",
            "maparchive", "maphidden", "mapsystem", "mapreadonly", "mapaclinherit", "casesensitive",
            "preservecase", "shortpreservecase", "defaultcase", "msdfsroot", "cscpolicy", "maxconnections",
            "printcommand", "lpqcommand", "lprmcommand", "printername", "usesendfile", "nttaclsupport",
            "ntaclsupport", "acl_xattr:ignoresystemacls", "streams_xattr:prefix", "fruit:metadata",
            "fruit:resource", "fruit:encoding", "fruit:locking", "spotlight", "durablehandles", "posixlocking");

    private SambaKeys() {
    }

    /** Global-only settings this server ignores; also {@code idmap config ...} and {@code winbind ...} ones. */
    static boolean ignoredGlobal(String key) {
        return GLOBAL.contains(key) || key.startsWith("idmapconfig") || key.startsWith("winbind");
    }

    /** Share settings this server ignores (Samba also takes them in [global], as defaults for every share). */
    static boolean ignoredShare(String key) {
        return SHARE.contains(key);
    }
}
