-- SPDX-License-Identifier: BSD-3-Clause
-- vmscan evidence database, schema version 7 (PRAGMA user_version = 7).
-- Version 7 added scans.uuid, findings.fingerprint, findings.baseline
-- and findings.suppression_id, and the baselines, baseline_absent,
-- suppressions and approvals tables (--baseline, --suppress, vmscan
-- baseline accept), stories and finding_links; version 6 added the packages and accounts tables, version 5
-- files.deleted (--deleted), version 4
-- filesystems.data_path, version 3 scans.openssl_version; version 2
-- databases are the same without any of them.
--
-- One database holds one scan of one machine (one or more disk images).
-- Text that came from the image (paths, link targets, labels, hostnames)
-- is stored exactly as the bytes the filesystem holds: it may be invalid
-- UTF-8 or contain newlines.  Use hex(path) to see the exact bytes.
-- Times are seconds since the Unix epoch (UTC), with the nanoseconds in
-- a separate *_ns column where the filesystem has them; NULL means the
-- filesystem does not record that time.

CREATE TABLE scans (
  id INTEGER PRIMARY KEY,
  uuid TEXT,                        -- random, names this scan wherever its
                                    -- rows go (vmscan merge); version 7
  tool_version TEXT NOT NULL,
  libguestfs_version TEXT,
  libmagic_version TEXT,
  yara_version TEXT,
  sqlite_version TEXT,
  openssl_version TEXT,             -- the digest library (libcrypto)
  command_line TEXT NOT NULL,       -- argv, shell-quoted, space-separated
  host TEXT,                        -- host name of the machine that scanned
  started_at TEXT NOT NULL,         -- ISO 8601 UTC
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN
    ('running', 'complete', 'interrupted', 'failed')),
  status_message TEXT,              -- why a scan failed or was interrupted
  backend TEXT,                     -- 'kvm' or 'tcg' (software emulation)
  yara_enabled INTEGER NOT NULL,
  yara_max_size INTEGER,            -- files larger than this skip YARA
  files_total INTEGER,              -- filled in when the scan ends
  bytes_total INTEGER,
  matches_total INTEGER,
  errors_total INTEGER,
  findings_total INTEGER,
  fail_on TEXT                      -- severity threshold for exit status 1
);

CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  disk_index INTEGER NOT NULL,      -- order on the command line, from 0
  path TEXT NOT NULL,               -- as given on the command line
  format TEXT NOT NULL,             -- raw, qcow2, vmdk, vhd, vhdx
  format_source TEXT NOT NULL,      -- 'probed' or 'user'
  file_size INTEGER NOT NULL,       -- bytes of the image file
  virtual_size INTEGER,             -- bytes of the disk it holds
  sha256 TEXT                       -- of the image file as given
);

CREATE TABLE operating_systems (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  root_device TEXT NOT NULL,
  type TEXT,                        -- linux, windows, freebsd, ...
  distro TEXT,                      -- debian, ubuntu, rhel, ...
  product_name TEXT,
  major_version INTEGER,
  minor_version INTEGER,
  hostname TEXT,
  arch TEXT,
  package_format TEXT,              -- deb, rpm, ...
  package_management TEXT           -- apt, dnf, yum, ...
);

CREATE TABLE filesystems (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  device TEXT NOT NULL,             -- appliance device or mountable
  type TEXT,                        -- ext4, xfs, vfat, ntfs, btrfs, ...
  label TEXT,
  uuid TEXT,
  size INTEGER,
  os_id INTEGER REFERENCES operating_systems(id),
  os_mountpoint TEXT,               -- where the OS mounts it, e.g. /boot
  walk_root TEXT,                   -- where vmscan mounted it to walk it
  status TEXT NOT NULL CHECK (status IN
    ('pending', 'scanned', 'skipped', 'error')),
  note TEXT,                        -- why it was skipped or failed
  files INTEGER,                    -- entries recorded
  bytes INTEGER,                    -- bytes of regular files read
  data_path TEXT CHECK (data_path IN ('host', 'appliance'))
                                    -- who read it: vmscan on the host, in
                                    -- its sandbox, or the appliance (NULL:
                                    -- not read); schema version 4
);

-- One row per directory entry.  path is the path the guest sees: for a
-- filesystem the OS mounts at os_mountpoint, os_mountpoint joined with
-- the path inside the filesystem; for any other filesystem, the path
-- inside it.  Symbolic links are recorded, never followed.
CREATE TABLE files (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  fs_id INTEGER NOT NULL REFERENCES filesystems(id),
  path TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('file', 'dir', 'symlink', 'chardev',
    'blockdev', 'fifo', 'socket', 'unknown')),
  size INTEGER NOT NULL,
  mode INTEGER NOT NULL,            -- st_mode: type and permission bits
  uid INTEGER NOT NULL,
  gid INTEGER NOT NULL,
  atime INTEGER, atime_ns INTEGER,
  mtime INTEGER, mtime_ns INTEGER,
  ctime INTEGER, ctime_ns INTEGER,
  btime INTEGER, btime_ns INTEGER,  -- birth time where known
  inode INTEGER,
  nlink INTEGER,
  link_target TEXT,                 -- symlinks only, exact bytes
  md5 TEXT,                         -- regular files: lowercase hex
  sha1 TEXT,
  sha256 TEXT,
  magic TEXT,                       -- libmagic description (file -b)
  mime TEXT,                        -- libmagic MIME type (file -b --mime)
  yara_scanned INTEGER,             -- 1 scanned, 0 skipped, NULL n/a
  capabilities TEXT,                -- file capabilities (security.capability
                                    -- decoded, e.g. 'cap_net_raw=ep'), or NULL
  deleted TEXT CHECK (deleted IN ('entry', 'name', 'orphan'))
                                    -- --deleted, host data path: NULL for a
                                    -- live entry; 'entry' a deleted name with
                                    -- its unallocated inode's metadata; 'name'
                                    -- a deleted name alone (inode gone or in
                                    -- use again: times NULL, size/mode/uid/gid
                                    -- 0); 'orphan' an unallocated inode no name
                                    -- points at ($OrphanFiles/OrphanFile-N).
                                    -- Hashes only when every block it maps is
                                    -- still free.
);
CREATE INDEX files_path ON files(path);
CREATE INDEX files_sha256 ON files(sha256);

CREATE TABLE rule_files (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  path TEXT NOT NULL,
  namespace TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL
);

CREATE TABLE yara_matches (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  file_id INTEGER NOT NULL REFERENCES files(id),
  rule TEXT NOT NULL,
  namespace TEXT NOT NULL,
  tags TEXT,                        -- space-separated
  meta TEXT                         -- JSON object of the rule's meta
);
CREATE INDEX yara_matches_file ON yara_matches(file_id);

CREATE TABLE yara_strings (
  id INTEGER PRIMARY KEY,
  match_id INTEGER NOT NULL REFERENCES yara_matches(id),
  identifier TEXT NOT NULL,         -- $a, $s1, ...
  offset INTEGER NOT NULL,          -- byte offset in the file
  length INTEGER NOT NULL,          -- length of the match
  data TEXT                         -- hex of the first 64 bytes matched
);
CREATE INDEX yara_strings_match ON yara_strings(match_id);

CREATE TABLE errors (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  stage TEXT NOT NULL,              -- image, launch, inspect, mount, walk,
                                    -- read, magic, yara, rules
  fs_id INTEGER REFERENCES filesystems(id),
  path TEXT,
  message TEXT NOT NULL,
  at TEXT NOT NULL                  -- ISO 8601 UTC
);

-- IOC lists given with --ioc.
CREATE TABLE ioc_files (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  entries INTEGER NOT NULL          -- indicators read from it
);

-- The inventory the checks read, so that two scans can be compared
-- (vmscan diff) and many merged: the packages each OS's package database
-- lists as installed, and the accounts its /etc/passwd lists.  Filled in
-- when the checks run (empty with --no-checks); schema version 6.
CREATE TABLE packages (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  os_id INTEGER REFERENCES operating_systems(id),
  format TEXT NOT NULL CHECK (format IN ('deb', 'rpm')),
  name TEXT NOT NULL,
  version TEXT,                     -- deb: Version; rpm: [epoch:]version-release
  arch TEXT,
  status TEXT                       -- deb: the Status field; rpm: NULL
);
CREATE INDEX packages_name ON packages(name);

CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  os_id INTEGER REFERENCES operating_systems(id),
  name TEXT NOT NULL,
  uid INTEGER,                      -- NULL when the field does not parse
  gid INTEGER,
  home TEXT,
  shell TEXT,
  line INTEGER NOT NULL             -- line of /etc/passwd, from 1
);

-- One row per check run on one OS (or on the whole image when os_id is
-- NULL): whether it ran, and how much it looked at.
CREATE TABLE check_runs (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  os_id INTEGER REFERENCES operating_systems(id),
  check_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ran', 'skipped', 'error')),
  items INTEGER,                    -- entries examined (files, lines, keys)
  note TEXT                         -- why it was skipped, or what failed
);

-- What the checks found.  check_id is stable across versions (see
-- vmscan(1) for the list); severity_rank orders severities (0 info,
-- 1 low, 2 medium, 3 high, 4 critical).  evidence is the line, key
-- fingerprint, hash or bytes that triggered the finding, with secrets
-- redacted; like paths it is exact bytes from the image and may be
-- invalid UTF-8.
CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  os_id INTEGER REFERENCES operating_systems(id),
  check_id TEXT NOT NULL,           -- e.g. persistence.cron, yara
  severity TEXT NOT NULL CHECK (severity IN
    ('info', 'low', 'medium', 'high', 'critical')),
  severity_rank INTEGER NOT NULL CHECK (severity_rank BETWEEN 0 AND 4),
  category TEXT NOT NULL,           -- package, persistence, access,
                                    -- masquerading, cryptominer, secret,
                                    -- permissions, ioc, malware
  title TEXT NOT NULL,              -- one line
  path TEXT,                        -- guest path it concerns
  account TEXT,                     -- account it concerns
  evidence TEXT,
  mitre_attack TEXT,                -- ATT&CK technique id, e.g. T1053.003
  file_id INTEGER REFERENCES files(id),
  match_id INTEGER REFERENCES yara_matches(id),
  fingerprint TEXT,                 -- SHA-256 of check_id, path, account and
                                    -- evidence (vmscan(1), FINGERPRINTS): the
                                    -- same finding in another scan; version 7
  baseline TEXT CHECK (baseline IN ('new', 'unchanged')),
                                    -- --baseline: whether the approved
                                    -- baseline has this fingerprint (NULL: no
                                    -- baseline given)
  suppression_id INTEGER REFERENCES suppressions(id)
                                    -- --suppress: the entry that accepted it
);
CREATE INDEX findings_rank ON findings(severity_rank);
CREATE INDEX findings_fingerprint ON findings(fingerprint);

-- The approved baseline a scan was compared with (--baseline): one row,
-- or none without one.
CREATE TABLE baselines (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  path TEXT NOT NULL,               -- as given on the command line
  sha256 TEXT NOT NULL,             -- of the baseline database file
  scan_uuid TEXT,                   -- the baseline scan's scans.uuid
  started_at TEXT,                  -- when the baseline scan ran
  approved_by TEXT NOT NULL,        -- its latest approvals row
  approved_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  ticket TEXT,
  findings_new INTEGER NOT NULL,    -- this scan's findings it lacks
  findings_unchanged INTEGER NOT NULL,
  findings_absent INTEGER NOT NULL  -- its findings this scan lacks
);

-- The baseline's findings this scan does not have (gone since the
-- approved build), kept so that reports can say so (SARIF "absent").
CREATE TABLE baseline_absent (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  check_id TEXT NOT NULL,
  severity TEXT NOT NULL,
  severity_rank INTEGER NOT NULL,
  category TEXT NOT NULL,
  title TEXT NOT NULL,
  path TEXT,
  account TEXT,
  evidence TEXT,
  mitre_attack TEXT,
  fingerprint TEXT NOT NULL
);

-- The entries of the --suppress files, each with what became of it.
-- status: 'applied' (matched at least one finding and suppressed it),
-- 'stale' (matched nothing: the accepted thing is gone, or the entry is
-- wrong), 'expired' (its expiry date has passed: it suppressed nothing,
-- and the findings it matches, counted in matched, are reported).
CREATE TABLE suppressions (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  file TEXT NOT NULL,               -- as given on the command line
  line INTEGER NOT NULL,            -- from 1
  check_id TEXT NOT NULL,           -- a check id, or a glob of them
  path TEXT,                        -- a path or a glob (fnmatch, '*' not
                                    -- across '/')
  account TEXT,
  fingerprint TEXT,
  reason TEXT NOT NULL,
  expires TEXT,                     -- YYYY-MM-DD, the last day it applies
  ticket TEXT,
  status TEXT NOT NULL CHECK (status IN ('applied', 'stale', 'expired')),
  matched INTEGER NOT NULL          -- findings it matches
);

-- Empty in a scan's database; vmscan baseline accept writes a copy of
-- the scan with one row more here: who approved it, when and why.  The
-- rows of the baseline it replaced come along, oldest first, so an
-- approved database carries its history; the row with the highest id is
-- the approval of the scan it holds.
CREATE TABLE approvals (
  id INTEGER PRIMARY KEY,
  scan_uuid TEXT,                   -- scans.uuid of the approved scan
  approved_by TEXT NOT NULL,
  approved_at TEXT NOT NULL,        -- ISO 8601 UTC
  reason TEXT NOT NULL,
  ticket TEXT,
  source_path TEXT NOT NULL,        -- the scan's database as given
  source_sha256 TEXT NOT NULL       -- its SHA-256 when it was approved
);

-- Findings told as one story: a persistence entry (cron, a systemd unit,
-- ...) whose command names a program or a file another finding is
-- about, and findings about one same file, are tied (finding_links:
-- finding_id 'runs' the program linked_id is about, 'uses' the
-- configuration or data file it is about, or is about the 'same-file');
-- each set of
-- tied findings at medium or above with a chain or a miner, malware or
-- masquerading finding in it is a story.
CREATE TABLE stories (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  severity TEXT NOT NULL,           -- of its worst finding
  severity_rank INTEGER NOT NULL,
  title TEXT NOT NULL,              -- "a miner at /x, started by /etc/cron.d/y,
                                    -- configured by /x/config.json"
  subject_path TEXT,                -- the program or file it is about
  findings INTEGER NOT NULL         -- findings in it
);

CREATE TABLE finding_links (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  story_id INTEGER REFERENCES stories(id),
  finding_id INTEGER NOT NULL REFERENCES findings(id),
  linked_id INTEGER NOT NULL REFERENCES findings(id),
  relation TEXT NOT NULL CHECK (relation IN ('runs', 'uses', 'same-file'))
);
CREATE INDEX finding_links_finding ON finding_links(finding_id);
