/**
 * What the server learns from its sockets beyond Netty: whether the peer has taken in what was sent
 * (the kernel's send queue), the basis for delivering breaks over another channel when one stalls.
 */
package io.swrap.smb.transport;
