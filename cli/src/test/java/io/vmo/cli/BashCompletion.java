package io.vmo.cli;

import java.nio.file.Path;

/** A bash program that does what bash does on TAB: for CompletionTest (no daemon) and CompletionIT (a daemon). */
public final class BashCompletion {

    private BashCompletion() {}

    /**
     * Sources {@code script}, sets the line to {@code words} with the cursor at the end of the last, calls the function
     * the script registered for {@code vmo} and prints the candidates, one per line.
     */
    public static String program(Path script, String... words) {
        StringBuilder array = new StringBuilder();
        for (String word : words) {
            array.append(" '").append(word).append('\'');
        }
        String line = String.join(" ", words);
        return "source " + script + "; COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1) + "; COMP_LINE='"
                + line + "'; COMP_POINT=" + line.length()
                // compopt (display options) works only inside readline's completion: a no-op here.
                + "; compopt() { :; }; fn=$(complete -p vmo | sed -E 's/.*-F ([^ ]+).*/\\1/'); \"$fn\""
                + "; printf '%s\\n' \"${COMPREPLY[@]}\"";
    }
}
