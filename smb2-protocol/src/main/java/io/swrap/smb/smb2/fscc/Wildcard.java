package io.swrap.smb.smb2.fscc;

import java.util.Locale;

/**
 * Case-insensitive name matching for QUERY_DIRECTORY patterns ([MS-FSA] 2.1.4.4 "Algorithm for
 * Determining if a FileName Is in an Expression"): {@code *} any run, {@code ?} one character, and the
 * DOS forms {@code <} (like *), {@code >} (like ?) and {@code "} (a dot).
 */
public final class Wildcard {
    private Wildcard() {
    }

    public static boolean matches(String pattern, String name) {
        if (pattern.isEmpty() || pattern.equals("*") || pattern.equals("*.*") && name.indexOf('.') < 0) {
            return true;
        }
        String p = pattern.toUpperCase(Locale.ROOT).replace('<', '*').replace('>', '?').replace('"', '.');
        return match(p, 0, name.toUpperCase(Locale.ROOT), 0);
    }

    private static boolean match(String p, int pi, String n, int ni) {
        // Iterative glob with one backtrack point: linear for the usual patterns.
        int starP = -1;
        int starN = 0;
        while (ni < n.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == n.charAt(ni))) {
                pi++;
                ni++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                starP = pi++;
                starN = ni;
            } else if (starP >= 0) {
                pi = starP + 1;
                ni = ++starN;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
