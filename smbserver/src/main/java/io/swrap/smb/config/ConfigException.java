package io.swrap.smb.config;

/** A setting in smb.conf that this server refuses, with the file, the line and what it accepts. */
public final class ConfigException extends Exception {
    ConfigException(String file, int line, String message) {
        super(file + ":" + line + ": " + message);
    }
}
