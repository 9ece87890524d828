-- TCP health over synack's connection tables, in DuckDB (see the README, "Many captures:
-- Spark and DuckDB"). First name the table, e.g. a Spark job's dataset or a directory of
-- `synack flows --format parquet` files:
--   CREATE VIEW flows AS SELECT * FROM read_parquet('flows/**/*.parquet');

-- Top connections by retransmissions (fast and spurious ones are counted in retransmission).
SELECT ts, id_orig_h, id_orig_p, id_resp_h, id_resp_p, community_id,
       retransmission, duplicate_ack, zero_window, orig_pkts + resp_pkts AS pkts,
       handshake_rtt_ms, orig_limited_by, resp_limited_by
FROM flows
WHERE proto = 'tcp'
ORDER BY retransmission DESC, pkts DESC, ts, uid
LIMIT 20;

-- Handshake RTT percentiles per server (milliseconds; connections whose handshake was seen).
SELECT id_resp_h AS server, id_resp_p AS port, count(*) AS connections,
       quantile_cont(handshake_rtt_ms, 0.5) AS p50_ms,
       quantile_cont(handshake_rtt_ms, 0.9) AS p90_ms,
       quantile_cont(handshake_rtt_ms, 0.99) AS p99_ms,
       max(handshake_rtt_ms) AS max_ms
FROM flows
WHERE handshake_rtt_ms IS NOT NULL
GROUP BY server, port
ORDER BY connections DESC, server, port;
