//! Elastic tab stops, byte-compatible with `github.com/liggitt/tabwriter`
//! (a fork of Go's `text/tabwriter` with the `RememberWidths` flag) as
//! kubectl's table printer configures it (cli-runtime pkg/printers/tabwriter.go).
//!
//! Text is a sequence of lines; cells are terminated by `\t`, and the text
//! after the last tab of a line is not part of any column. A column block is
//! a run of consecutive lines that all have a cell in that column; its width
//! is the widest cell plus padding, at least `min_width`. With
//! `remember_widths` a column never gets narrower than it was in an earlier
//! flush, which is how `kubectl get -w` keeps its rows aligned.

/// The settings kubectl's `get` tables use: minwidth 6, tabwidth 4, padding 3, `RememberWidths`.
pub const KUBECTL_TABLE: Config = Config {
    min_width: 6,
    padding: 3,
    remember_widths: true,
};

/// The settings `kubectl describe` uses: minwidth 0, tabwidth 8, padding 2, no flags.
pub const KUBECTL_DESCRIBE: Config = Config {
    min_width: 0,
    padding: 2,
    remember_widths: false,
};

/// Writer settings (the pad character is always a space, so tab width plays no part).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Minimal column width, padding included.
    pub min_width: usize,
    /// Spaces added to the widest cell of a column.
    pub padding: usize,
    /// Columns keep the widest width seen in earlier flushes.
    pub remember_widths: bool,
}

/// A tabwriter that may be flushed many times (one flush per watch event).
#[derive(Debug, Clone)]
pub struct TabWriter {
    config: Config,
    max_widths: Vec<usize>,
}

impl TabWriter {
    /// A writer with no remembered widths.
    pub fn new(config: Config) -> TabWriter {
        TabWriter {
            config,
            max_widths: Vec::new(),
        }
    }

    /// Formats `text` (lines of tab-terminated cells) and returns the padded text.
    /// A trailing newline in `text` is kept; text after the last newline is
    /// formatted as an unterminated last line.
    pub fn format(&mut self, text: &str) -> String {
        let mut lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
        let ends_with_newline = text.ends_with('\n');
        if ends_with_newline {
            lines.pop();
        }
        let mut out = String::with_capacity(text.len() * 2);
        let mut widths = Vec::new();
        self.format_block(&mut out, &lines, 0, 0, lines.len(), &mut widths);
        if ends_with_newline {
            out.push('\n');
        }
        out
    }

    fn format_block(
        &mut self,
        out: &mut String,
        lines: &[Vec<&str>],
        mut written: usize,
        mut line0: usize,
        line1: usize,
        widths: &mut Vec<usize>,
    ) -> usize {
        let column = widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            written = write_lines(out, lines, written, line0, this, widths);
            line0 = this;
            let mut width = self.config.min_width;
            while this < line1 && column + 1 < lines[this].len() {
                let cell_width = lines[this][column].chars().count() + self.config.padding;
                width = width.max(cell_width);
                this += 1;
            }
            if self.config.remember_widths {
                width = self.remember(column, width, widths);
            }
            widths.push(width);
            written = self.format_block(out, lines, written, line0, this, widths);
            widths.pop();
            line0 = this;
        }
        write_lines(out, lines, written, line0, line1, widths)
    }

    fn remember(&mut self, column: usize, width: usize, widths: &[usize]) -> usize {
        if self.max_widths.len() < widths.len() {
            let missing = &widths[self.max_widths.len()..];
            self.max_widths.extend_from_slice(missing);
        }
        if self.max_widths.len() == column {
            self.max_widths.push(width);
            width
        } else if self.max_widths[column] > width {
            self.max_widths[column]
        } else {
            self.max_widths[column] = width;
            width
        }
    }
}

/// Writes lines `from..to` (skipping those already written) with the current widths.
fn write_lines(
    out: &mut String,
    lines: &[Vec<&str>],
    written: usize,
    from: usize,
    to: usize,
    widths: &[usize],
) -> usize {
    for (index, line) in lines.iter().enumerate().take(to).skip(from.max(written)) {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j < widths.len() && j + 1 < line.len() {
                let pad = widths[j].saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        if index + 1 < lines.len() {
            out.push('\n');
        }
    }
    to.max(written)
}

/// Formats a whole table in one flush with kubectl's `get` settings.
pub fn format_table(text: &str) -> String {
    TabWriter::new(KUBECTL_TABLE).format(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_columns_like_kubectl_get_pods() {
        let text = "NAME\tREADY\tSTATUS\tRESTARTS\tAGE\ndb-0\t1/1\tRunning\t0\t42s\n";
        assert_eq!(
            format_table(text),
            "NAME   READY   STATUS    RESTARTS   AGE\ndb-0   1/1     Running   0          42s\n"
        );
    }

    #[test]
    fn short_columns_get_the_minimum_width() {
        assert_eq!(format_table("A\tB\nx\ty\n"), "A     B\nx     y\n");
    }

    #[test]
    fn remembered_widths_only_grow_across_flushes() {
        let mut w = TabWriter::new(KUBECTL_TABLE);
        assert_eq!(w.format("NAME\tSTATUS\tAGE\n"), "NAME   STATUS   AGE\n");
        assert_eq!(w.format("web-0\tPending\t0s\n"), "web-0   Pending   0s\n");
        assert_eq!(w.format("w\tOK\t1s\n"), "w       OK        1s\n");
    }

    #[test]
    fn describe_blocks_end_at_lines_without_tabs() {
        let mut w = TabWriter::new(KUBECTL_DESCRIBE);
        let text = "Name:\tdb\nCreationTimestamp:\tx\nPod Template:\n  Labels:\tapp=db\n";
        assert_eq!(
            w.format(text),
            "Name:               db\nCreationTimestamp:  x\nPod Template:\n  Labels:  app=db\n"
        );
    }

    #[test]
    fn empty_trailing_cell_leaves_padding_before_it() {
        let text = "Type\tStatus\nReady\tTrue \n";
        assert_eq!(
            TabWriter::new(KUBECTL_DESCRIBE).format(text),
            "Type   Status\nReady  True \n"
        );
    }
}
