/** The smb.conf subset this server reads, parsed once into one immutable {@link io.swrap.smb.config.SmbConfig}. */
package io.swrap.smb.config;
