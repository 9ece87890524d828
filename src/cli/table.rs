//! `--format parquet|csv|json -o OUT [--partition hour]`: a subcommand's table written as
//! columns (see [`crate::columnar`]). One struct for every subcommand that writes a table.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::columnar::{write_table, Format, Partition, TableWriter};

/// How a subcommand's table is written.
#[derive(Debug, Clone, Default, Args)]
pub(super) struct TableArgs {
    /// Write the table as columns instead of printing it: parquet (Apache Parquet, for
    /// Spark, DuckDB, Trino, pandas), csv (with a header line) or json (JSON Lines with the
    /// table's flat columns, Zeek's JSON log shape). Needs -o for parquet.
    /// Example: `synack flows capture.pcap --format parquet -o flows.parquet`
    #[arg(
        long = "format",
        id = "table_format",
        value_enum,
        value_name = "FORMAT"
    )]
    pub(super) format: Option<FormatArg>,
    /// Where --format writes: a file (`-` for standard output, csv and json only), or with
    /// --partition a directory.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "OUT",
        requires = "table_format"
    )]
    pub(super) output: Option<PathBuf>,
    /// Split the table into a Hive-partitioned dataset by the rows' time (UTC):
    /// `OUT/date=2026-12-05/hour=17/part-0.parquet`, which engines prune by time.
    #[arg(long, value_enum, value_name = "BY", requires = "output")]
    pub(super) partition: Option<PartitionArg>,
}

/// A table format on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum FormatArg {
    /// Apache Parquet (Snappy).
    Parquet,
    /// Comma-separated values with a header.
    Csv,
    /// JSON Lines with the table's columns.
    Json,
}

/// A partitioning on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum PartitionArg {
    /// One directory per hour of the rows' time.
    Hour,
}

impl TableArgs {
    /// The format asked for, and where it goes (checked: Parquet needs a file).
    pub(super) fn target(&self) -> anyhow::Result<Option<Target>> {
        let Some(format) = self.format else {
            return Ok(None);
        };
        let format = match format {
            FormatArg::Parquet => Format::Parquet,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
        };
        let partition = match self.partition {
            Some(PartitionArg::Hour) => Partition::Hour,
            None => Partition::None,
        };
        let out = match &self.output {
            Some(o) => o.clone(),
            None if format == Format::Parquet => anyhow::bail!(
                "--format parquet writes a file: give it with -o, e.g. `-o flows.parquet`"
            ),
            None => PathBuf::from("-"),
        };
        if format == Format::Parquet && out.as_os_str() == "-" {
            anyhow::bail!("--format parquet cannot go to standard output: give a file with -o");
        }
        if partition == Partition::Hour && out.as_os_str() == "-" {
            anyhow::bail!("--partition writes a directory: give it with -o");
        }
        Ok(Some((format, out, partition)))
    }
}

/// Where and how a table goes (from [`TableArgs::target`]).
pub(super) type Target = (Format, PathBuf, Partition);

/// Writes `batch` where `target` says; its time column is `ts_column`.
pub(super) fn write(
    batch: &arrow_array::RecordBatch,
    (format, out, partition): &Target,
    ts_column: &str,
) -> anyhow::Result<()> {
    write_table(batch, *format, out, *partition, ts_column)?;
    Ok(())
}

/// Opens a table written batch by batch, whose time column is `ts`.
pub(super) fn open(
    schema: arrow_schema::SchemaRef,
    (format, out, partition): &Target,
) -> anyhow::Result<TableWriter> {
    Ok(TableWriter::create(schema, *format, out, *partition, "ts")?)
}
