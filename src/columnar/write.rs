//! Writing a table: Parquet, CSV or JSON Lines, to one file or a Hive-partitioned dataset.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use arrow_array::{Array as _, RecordBatch, TimestampMicrosecondArray, UInt64Array};
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

/// A table's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Apache Parquet, Snappy-compressed (Spark's and DuckDB's default).
    Parquet,
    /// Comma-separated values with a header line; timestamps in RFC 3339.
    Csv,
    /// JSON Lines, one object per row (Zeek's JSON logs' shape); nulls left out.
    Json,
}

impl Format {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// How a table is split into files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    /// One file.
    None,
    /// A directory per hour of the rows' `ts` (UTC), Hive style:
    /// `OUT/date=YYYY-MM-DD/hour=HH/part-0.EXT`; rows without a time in
    /// `date=__HIVE_DEFAULT_PARTITION__/hour=__HIVE_DEFAULT_PARTITION__`, as Hive names a null.
    Hour,
}

/// Why a table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file system refused.
    #[error("{path}: cannot write: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The encoder failed.
    #[error("{path}: cannot write the table: {message}")]
    Encode {
        /// The file.
        path: PathBuf,
        /// The encoder's message.
        message: String,
    },
}

/// The UTC date and hour of microseconds since the epoch: (`2026-12-05`, 17).
pub fn hour_of(micros: i64) -> (String, u32) {
    let secs = micros.div_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let hour = (secs.rem_euclid(86_400) / 3600) as u32;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (format!("{year:04}-{month:02}-{day:02}"), hour)
}

/// Writes `batch` to `out` as `format` (see [`TableWriter`]). Returns the files written.
pub fn write_table(
    batch: &RecordBatch,
    format: Format,
    out: &Path,
    partition: Partition,
    ts_column: &str,
) -> Result<Vec<PathBuf>, WriteError> {
    let mut w = TableWriter::create(batch.schema(), format, out, partition, ts_column)?;
    w.write(batch)?;
    w.finish()
}

/// A table written batch by batch, so a table of millions of rows (`synack read --format
/// parquet`) never sits in memory whole: to one file, or with [`Partition::Hour`] to one file
/// per hour of the microsecond timestamp column `ts_column`, each kept open until
/// [`TableWriter::finish`]. A Parquet row group holds one batch.
pub struct TableWriter {
    schema: SchemaRef,
    format: Format,
    out: PathBuf,
    partition: Partition,
    ts_column: String,
    files: BTreeMap<Option<(String, u32)>, (PathBuf, Encoder)>,
}

impl std::fmt::Debug for TableWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableWriter")
            .field("format", &self.format)
            .field("out", &self.out)
            .field("partition", &self.partition)
            .field("files", &self.files.len())
            .finish()
    }
}

/// The output of one file.
type Sink = BufWriter<Box<dyn Write + Send>>;

/// One open file's encoder.
enum Encoder {
    Parquet(Box<ArrowWriter<Sink>>),
    Csv(Box<arrow_csv::Writer<Sink>>),
    Json(Box<arrow_json::LineDelimitedWriter<Sink>>),
}

impl TableWriter {
    /// Starts a table of `schema`. Without partitions the file is created at once (an empty
    /// table is still a file with its columns); partition directories appear with their rows.
    pub fn create(
        schema: SchemaRef,
        format: Format,
        out: &Path,
        partition: Partition,
        ts_column: &str,
    ) -> Result<TableWriter, WriteError> {
        let mut w = TableWriter {
            schema,
            format,
            out: out.to_path_buf(),
            partition,
            ts_column: ts_column.to_string(),
            files: BTreeMap::new(),
        };
        if partition == Partition::None {
            w.open(None)?;
        }
        Ok(w)
    }

    /// Appends `batch` (of this table's schema).
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), WriteError> {
        if self.partition == Partition::None {
            return self.encode(None, batch);
        }
        let ts = batch
            .column_by_name(&self.ts_column)
            .and_then(|c| c.as_any().downcast_ref::<TimestampMicrosecondArray>())
            .ok_or_else(|| WriteError::Encode {
                path: self.out.clone(),
                message: format!("no microsecond timestamp column {}", self.ts_column),
            })?;
        let mut groups: BTreeMap<Option<(String, u32)>, Vec<u64>> = BTreeMap::new();
        for row in 0..batch.num_rows() {
            let key = (!ts.is_null(row)).then(|| hour_of(ts.value(row)));
            groups.entry(key).or_default().push(row as u64);
        }
        for (key, rows) in groups {
            let indices = UInt64Array::from(rows);
            let part = arrow_select::take::take_record_batch(batch, &indices).map_err(|e| {
                WriteError::Encode {
                    path: self.out.clone(),
                    message: e.to_string(),
                }
            })?;
            self.encode(key, &part)?;
        }
        Ok(())
    }

    /// Closes every file (Parquet writes its footer here). Returns the files written.
    pub fn finish(self) -> Result<Vec<PathBuf>, WriteError> {
        let mut written = Vec::new();
        for (_, (path, encoder)) in self.files {
            let encode = |e: String| WriteError::Encode {
                path: path.clone(),
                message: e,
            };
            let mut sink = match encoder {
                Encoder::Parquet(w) => w.into_inner().map_err(|e| encode(e.to_string()))?,
                Encoder::Csv(w) => (*w).into_inner(),
                Encoder::Json(mut w) => {
                    w.finish().map_err(|e| encode(e.to_string()))?;
                    (*w).into_inner()
                }
            };
            sink.flush().map_err(|source| WriteError::Io {
                path: path.clone(),
                source,
            })?;
            written.push(path);
        }
        Ok(written)
    }

    /// Writes `batch` to the file of partition `key`, opening it first if needed.
    fn encode(
        &mut self,
        key: Option<(String, u32)>,
        batch: &RecordBatch,
    ) -> Result<(), WriteError> {
        if !self.files.contains_key(&key) {
            self.open(key.clone())?;
        }
        let (path, encoder) = self.files.get_mut(&key).expect("opened above");
        let done = match encoder {
            Encoder::Parquet(w) => w.write(batch).map_err(|e| e.to_string()),
            Encoder::Csv(w) => w.write(batch).map_err(|e| e.to_string()),
            Encoder::Json(w) => w.write(batch).map_err(|e| e.to_string()),
        };
        done.map_err(|message| WriteError::Encode {
            path: path.clone(),
            message,
        })
    }

    /// Creates the file of partition `key` (`None` without partitions: `out` itself, `-`
    /// being standard output for CSV and JSON).
    fn open(&mut self, key: Option<(String, u32)>) -> Result<(), WriteError> {
        let path = match (&key, self.partition) {
            (_, Partition::None) => self.out.clone(),
            (Some((date, hour)), Partition::Hour) => self
                .out
                .join(format!("date={date}"))
                .join(format!("hour={hour:02}")),
            (None, Partition::Hour) => self
                .out
                .join("date=__HIVE_DEFAULT_PARTITION__")
                .join("hour=__HIVE_DEFAULT_PARTITION__"),
        };
        let path = if self.partition == Partition::None {
            path
        } else {
            std::fs::create_dir_all(&path).map_err(|source| WriteError::Io {
                path: path.clone(),
                source,
            })?;
            path.join(format!("part-0.{}", self.format.extension()))
        };
        let sink: Box<dyn Write + Send> = if path.as_os_str() == "-" {
            Box::new(io::stdout())
        } else {
            Box::new(File::create(&path).map_err(|source| WriteError::Io {
                path: path.clone(),
                source,
            })?)
        };
        let sink = BufWriter::with_capacity(1 << 16, sink);
        let encoder = match self.format {
            Format::Parquet => {
                // Row groups of 128 Ki rows bound what the encoder holds before writing.
                let props = WriterProperties::builder()
                    .set_compression(Compression::SNAPPY)
                    .set_max_row_group_row_count(Some(1 << 17))
                    .build();
                let w =
                    ArrowWriter::try_new(sink, self.schema.clone(), Some(props)).map_err(|e| {
                        WriteError::Encode {
                            path: path.clone(),
                            message: e.to_string(),
                        }
                    })?;
                Encoder::Parquet(Box::new(w))
            }
            Format::Csv => Encoder::Csv(Box::new(
                arrow_csv::WriterBuilder::new()
                    .with_header(true)
                    .build(sink),
            )),
            Format::Json => Encoder::Json(Box::new(arrow_json::LineDelimitedWriter::new(sink))),
        };
        self.files.insert(key, (path, encoder));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_of_known_instants() {
        assert_eq!(hour_of(0), ("1970-01-01".to_string(), 0));
        // 2009-07-02 19:05:49 UTC.
        assert_eq!(
            hour_of(1_246_561_549_394_749),
            ("2009-07-02".to_string(), 19)
        );
        // 2000-02-29 23:59:59 UTC (a leap day).
        assert_eq!(hour_of(951_868_799_000_000), ("2000-02-29".to_string(), 23));
        // 1969-12-31 23:00:00 UTC (before the epoch).
        assert_eq!(hour_of(-3_600_000_000), ("1969-12-31".to_string(), 23));
    }
}
