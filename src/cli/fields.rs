//! `-T fields -e NAME ... -E OPTION=VALUE`: tshark's field output, through the display
//! filter's field table (names, types and values come from `crate::filter`), and
//! `synack fields`, which lists that table.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::Args;

use super::usage::usage;
use crate::filter::{Field, FieldInfo, FilterInput};

/// Which occurrences of a field that occurs several times are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Occurrence {
    All,
    First,
    Last,
    /// The n-th (from 1).
    Nth(usize),
}

/// How `-T fields` prints: the fields and tshark's `-E` options.
#[derive(Debug, Clone)]
pub struct FieldsFormat {
    fields: Vec<FieldInfo>,
    separator: String,
    aggregator: String,
    occurrence: Occurrence,
    header: bool,
    quote: Option<char>,
    header_done: bool,
}

impl FieldsFormat {
    /// The fields named by `-e` with the `-E` options (`header=y`, `separator=/t|/s|C`,
    /// `aggregator=,|/s|C`, `occurrence=f|l|a|N`, `quote=d|s|n`); a usage error names what
    /// is wrong.
    pub fn new(names: &[String], options: &[String]) -> anyhow::Result<FieldsFormat> {
        if names.is_empty() {
            return Err(usage(
                "-T fields needs at least one field: -e NAME (`synack fields` lists them)",
            ));
        }
        let fields = names
            .iter()
            .map(|n| {
                let info = Field::info(n).ok_or_else(|| {
                    usage(format!(
                        "-e {n}: synack has no such field (`synack fields` lists them; \
                         tcpdump's -e, the link-level header, is --link-header)"
                    ))
                })?;
                Ok(info)
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut f = FieldsFormat {
            fields,
            separator: "\t".into(),
            aggregator: ",".into(),
            occurrence: Occurrence::All,
            header: false,
            quote: None,
            header_done: false,
        };
        for o in options {
            let bad = || {
                usage(format!(
                    "-E {o}: expected header=y|n, separator=/t|/s|C, aggregator=,|/s|C, \
                     occurrence=f|l|a|N or quote=d|s|n"
                ))
            };
            let (key, value) = o.split_once('=').ok_or_else(bad)?;
            let chars = |v: &str| match v {
                "/t" => Some("\t".to_string()),
                "/s" => Some(" ".to_string()),
                v if !v.is_empty() => Some(v.to_string()),
                _ => None,
            };
            match key {
                "header" => f.header = matches!(value, "y" | "Y" | "yes"),
                "separator" => f.separator = chars(value).ok_or_else(bad)?,
                "aggregator" => f.aggregator = chars(value).ok_or_else(bad)?,
                "occurrence" => {
                    f.occurrence = match value {
                        "a" => Occurrence::All,
                        "f" => Occurrence::First,
                        "l" => Occurrence::Last,
                        n => match n.parse::<usize>() {
                            Ok(0) => Occurrence::All,
                            Ok(n) => Occurrence::Nth(n),
                            Err(_) => return Err(bad()),
                        },
                    }
                }
                "quote" => {
                    f.quote = match value {
                        "d" => Some('"'),
                        "s" => Some('\''),
                        "n" => None,
                        _ => return Err(bad()),
                    }
                }
                _ => return Err(bad()),
            }
        }
        Ok(f)
    }

    /// Writes one packet's line (and, first, the header when asked for).
    pub fn write(&mut self, out: &mut impl Write, input: &FilterInput<'_>) -> io::Result<()> {
        if self.header && !self.header_done {
            self.header_done = true;
            let names: Vec<&str> = self.fields.iter().map(|f| f.name).collect();
            writeln!(out, "{}", names.join(&self.separator))?;
        }
        let mut line = String::new();
        for (i, info) in self.fields.iter().enumerate() {
            if i > 0 {
                line.push_str(&self.separator);
            }
            let values = input.texts(info.field);
            let chosen: Vec<&String> = match self.occurrence {
                Occurrence::All => values.iter().collect(),
                Occurrence::First => values.first().into_iter().collect(),
                Occurrence::Last => values.last().into_iter().collect(),
                Occurrence::Nth(n) => values.get(n - 1).into_iter().collect(),
            };
            let text = chosen
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(&self.aggregator);
            match self.quote {
                Some(q) if !text.is_empty() => {
                    line.push(q);
                    line.push_str(&text);
                    line.push(q);
                }
                _ => line.push_str(&text),
            }
        }
        writeln!(out, "{line}")
    }
}

/// Arguments of `synack fields`.
#[derive(Debug, Args)]
pub struct FieldsArgs {
    /// Only fields whose name starts with this, e.g. `tcp.analysis`.
    pub prefix: Option<String>,
}

/// Runs `synack fields`: every field display filters and `-e` know, with its type and
/// meaning, one per line (tab-separated, like `tshark -G fields`).
pub(super) fn run(args: &FieldsArgs) -> anyhow::Result<ExitCode> {
    let mut out = BufWriter::new(io::stdout().lock());
    for info in Field::table() {
        if args
            .prefix
            .as_deref()
            .is_some_and(|p| !info.name.starts_with(p))
        {
            continue;
        }
        if writeln!(out, "{}\t{}\t{}", info.name, info.ty.name(), info.what).is_err() {
            return Ok(ExitCode::SUCCESS);
        }
    }
    let _ = out.flush();
    Ok(ExitCode::SUCCESS)
}
