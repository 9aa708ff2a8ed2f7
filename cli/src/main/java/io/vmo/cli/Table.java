package io.vmo.cli;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** A plain text table: a bold header, columns padded to their widest cell, an optional style per cell. */
final class Table {

    /** How every table shows a moment: local time to the second. */
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<List<UnaryOperator<String>>> styles = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    Table row(String... cells) {
        return row(List.of(), cells);
    }

    /** {@code styles.get(i)} wraps cell i after padding, so escape codes never upset the alignment. */
    Table row(List<UnaryOperator<String>> cellStyles, String... cells) {
        rows.add(java.util.Arrays.stream(cells).map(c -> c == null ? "" : c).toList());
        styles.add(cellStyles);
        return this;
    }

    void print(Console console) {
        int[] widths = new int[header.size()];
        for (List<String> row : concat()) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        console.out.println(console.styleOut(Console.Style.BOLD, line(header, List.of(), widths)));
        for (int r = 0; r < rows.size(); r++) {
            console.out.println(line(rows.get(r), styles.get(r), widths));
        }
        console.flush();
    }

    private static String line(List<String> cells, List<UnaryOperator<String>> cellStyles, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = i == cells.size() - 1 ? cells.get(i) : String.format("%-" + widths[i] + "s", cells.get(i));
            line.append(
                    i < cellStyles.size() && cellStyles.get(i) != null
                            ? cellStyles.get(i).apply(cell)
                            : cell);
            if (i < cells.size() - 1) {
                line.append("  ");
            }
        }
        return line.toString().stripTrailing();
    }

    private List<List<String>> concat() {
        List<List<String>> all = new ArrayList<>(rows);
        all.add(header);
        return all;
    }
}
