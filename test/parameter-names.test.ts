import { PARAMETER_CATALOG, SUPPORTED_MAJORS } from '../lib/model/postgres-parameter-catalog';
import {
  isCustomParameter,
  isKnownParameter,
  knownParameterNames,
  nearestParameterNames,
  parameterAvailability,
  parameterContext,
} from '../lib/model/parameter-names';

describe('parameter catalog data', () => {
  test('supports majors 14 to 18', () => {
    expect([...SUPPORTED_MAJORS]).toEqual([14, 15, 16, 17, 18]);
  });

  test('keys are lower-case, sorted, and version bounds are consistent', () => {
    const names = Object.keys(PARAMETER_CATALOG);
    expect(names).toEqual([...names].sort());
    for (const [name, info] of Object.entries(PARAMETER_CATALOG)) {
      expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
      if (info.since !== undefined) expect(info.since).toBeGreaterThanOrEqual(15);
      if (info.until !== undefined) expect(info.until).toBeLessThanOrEqual(17);
      if (info.since !== undefined && info.until !== undefined) expect(info.since).toBeLessThanOrEqual(info.until);
      if (info.aliasOf !== undefined) expect(PARAMETER_CATALOG[info.aliasOf]).toBeDefined();
      if (info.replacedBy !== undefined) expect(PARAMETER_CATALOG[info.replacedBy]).toBeDefined();
    }
  });

  test('number of names per major (pg_settings + GUC_NO_SHOW_ALL + aliases)', () => {
    const counts = Object.fromEntries(SUPPORTED_MAJORS.map((m) => [m, knownParameterNames(m).length]));
    expect(counts).toEqual({ 14: 354, 15: 361, 16: 370, 17: 386, 18: 407 });
  });

  // Differences between consecutive majors, as listed by the servers' pg_settings.
  const added: Record<number, string[]> = {
    15: ['archive_library', 'log_startup_progress_interval', 'recovery_prefetch', 'recursive_worktable_factor', 'shared_memory_size',
      'shared_memory_size_in_huge_pages', 'stats_fetch_consistency', 'wal_decode_buffer_size'],
    16: ['createrole_self_grant', 'debug_io_direct', 'debug_logical_replication_streaming', 'debug_parallel_query', 'enable_presorted_aggregate',
      'file_extend_method', 'gss_accept_delegation', 'icu_validation_level', 'max_parallel_apply_workers_per_subscription',
      'reserved_connections', 'scram_iterations', 'send_abort_for_crash', 'send_abort_for_kill', 'vacuum_buffer_usage_limit'],
    17: ['allow_alter_system', 'commit_timestamp_buffers', 'enable_group_by_reordering', 'event_triggers', 'huge_pages_status', 'io_combine_limit',
      'max_notify_queue_pages', 'multixact_member_buffers', 'multixact_offset_buffers', 'notify_buffers', 'serializable_buffers',
      'subtransaction_buffers', 'summarize_wal', 'sync_replication_slots', 'synchronized_standby_slots', 'trace_connection_negotiation',
      'transaction_buffers', 'transaction_timeout', 'wal_summary_keep_time'],
    18: ['autovacuum_vacuum_max_threshold', 'autovacuum_worker_slots', 'enable_distinct_reordering', 'enable_self_join_elimination',
      'extension_control_path', 'file_copy_method', 'idle_replication_slot_timeout', 'io_max_combine_limit', 'io_max_concurrency', 'io_method',
      'io_workers', 'log_lock_failures', 'max_active_replication_origins', 'md5_password_warnings', 'num_os_semaphores',
      'oauth_validator_libraries', 'ssl_groups', 'ssl_tls13_ciphers', 'track_cost_delay_timing', 'vacuum_max_eager_freeze_failure_rate',
      'vacuum_truncate'],
  };
  const removedAfter: Record<number, string[]> = {
    14: ['stats_temp_directory'],
    15: ['force_parallel_mode', 'lc_collate', 'lc_ctype', 'promote_trigger_file', 'vacuum_defer_cleanup_age'],
    16: ['db_user_namespace', 'old_snapshot_threshold', 'trace_recovery_messages'],
  };

  test.each(Object.entries(added))('names added in %s', (major, names) => {
    const m = Number(major);
    for (const name of names) {
      expect([name, parameterAvailability(name)?.since]).toEqual([name, m]);
      expect([name, isKnownParameter(name, m)]).toEqual([name, true]);
      expect([name, isKnownParameter(name, m - 1)]).toEqual([name, false]);
    }
    const all = Object.entries(PARAMETER_CATALOG).filter(([, i]) => i.since === m).map(([n]) => n);
    expect(all.sort()).toEqual([...names].sort());
  });

  test.each(Object.entries(removedAfter))('names removed after %s', (major, names) => {
    const m = Number(major);
    for (const name of names) {
      expect([name, parameterAvailability(name)?.until]).toEqual([name, m]);
      expect([name, isKnownParameter(name, m)]).toEqual([name, true]);
      expect([name, isKnownParameter(name, m + 1)]).toEqual([name, false]);
    }
    const all = Object.entries(PARAMETER_CATALOG).filter(([, i]) => i.until === m).map(([n]) => n);
    expect(all.sort()).toEqual([...names].sort());
  });
});

describe('isKnownParameter / parameterAvailability', () => {
  test('io_method is valid for 18, not 17', () => {
    expect(isKnownParameter('io_method', 18)).toBe(true);
    expect(isKnownParameter('io_method', 17)).toBe(false);
    expect(parameterAvailability('io_method')).toMatchObject({ since: 18, context: 'postmaster' });
  });

  test('old_snapshot_threshold is valid for 16, not 17', () => {
    expect(isKnownParameter('old_snapshot_threshold', 16)).toBe(true);
    expect(isKnownParameter('old_snapshot_threshold', 17)).toBe(false);
    expect(parameterAvailability('old_snapshot_threshold')).toEqual({ until: 16, context: 'postmaster' });
  });

  test('allow_alter_system exists from 17 on', () => {
    expect(isKnownParameter('allow_alter_system', 16)).toBe(false);
    expect(isKnownParameter('allow_alter_system', 17)).toBe(true);
    expect(isKnownParameter('allow_alter_system', 18)).toBe(true);
    expect(parameterAvailability('allow_alter_system')).toEqual({ since: 17, context: 'sighup' });
  });

  test('work_mem and shared_buffers are valid everywhere', () => {
    for (const major of SUPPORTED_MAJORS) {
      expect(isKnownParameter('work_mem', major)).toBe(true);
      expect(isKnownParameter('shared_buffers', major)).toBe(true);
    }
    expect(parameterAvailability('work_mem')).toEqual({ context: 'user' });
    expect(parameterAvailability('shared_buffers')).toEqual({ context: 'postmaster' });
  });

  test('unknown names, including Object.prototype members', () => {
    for (const name of ['not_a_parameter', 'shared_buffer', '', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(isKnownParameter(name, 17)).toBe(false);
      expect(parameterAvailability(name)).toBeUndefined();
    }
  });

  test('names are case-insensitive', () => {
    expect(isKnownParameter('Work_Mem', 16)).toBe(true);
    expect(isKnownParameter('SHARED_BUFFERS', 14)).toBe(true);
    expect(isKnownParameter('DateStyle', 17)).toBe(true);
    expect(isKnownParameter('TimeZone', 18)).toBe(true);
    expect(isKnownParameter('IO_Method', 17)).toBe(false);
    expect(parameterAvailability('IO_METHOD')?.since).toBe(18);
  });

  test('read-only names are known, with context internal', () => {
    for (const name of ['server_version', 'block_size', 'wal_segment_size', 'data_checksums', 'is_superuser', 'in_hot_standby']) {
      expect([name, isKnownParameter(name, 18), parameterAvailability(name)?.context]).toEqual([name, true, 'internal']);
    }
    expect(parameterAvailability('huge_pages_status')).toMatchObject({ since: 17, context: 'internal' });
    expect(parameterAvailability('num_os_semaphores')).toMatchObject({ since: 18, context: 'internal' });
    expect(parameterAvailability('application_name')?.context).toBe('user');
    expect(parameterAvailability('transaction_isolation')?.context).toBe('user');
  });

  test('context can change between majors', () => {
    expect(parameterContext('autovacuum_max_workers', 17)).toBe('postmaster');
    expect(parameterContext('autovacuum_max_workers', 18)).toBe('sighup');
    expect(parameterContext('autovacuum_worker_slots', 18)).toBe('postmaster');
    expect(parameterContext('autovacuum_worker_slots', 17)).toBeUndefined();
    expect(parameterContext('Max_Connections', 14)).toBe('postmaster');
  });

  test('aliases the server still accepts', () => {
    expect(isKnownParameter('sort_mem', 16)).toBe(true);
    expect(parameterAvailability('sort_mem')?.aliasOf).toBe('work_mem');
    // ssl_ecdh_curve: a parameter of its own up to 17, an alias of ssl_groups in 18
    for (const major of SUPPORTED_MAJORS) expect(isKnownParameter('ssl_ecdh_curve', major)).toBe(true);
    expect(isKnownParameter('ssl_groups', 17)).toBe(false);
    expect(isKnownParameter('ssl_groups', 18)).toBe(true);
  });

  test('parameters added by a minor release', () => {
    expect(isKnownParameter('file_extend_method', 15)).toBe(false);
    expect(isKnownParameter('file_extend_method', 16)).toBe(true);
    expect(isKnownParameter('file_extend_method', 16, 11)).toBe(false);
    expect(isKnownParameter('file_extend_method', 16, 12)).toBe(true);
    expect(isKnownParameter('file_extend_method', 18, 1)).toBe(false);
    expect(isKnownParameter('file_extend_method', 18, 4)).toBe(true);
    expect(isKnownParameter('restrict_nonsystem_relation_kind', 14, 12)).toBe(false);
    expect(isKnownParameter('restrict_nonsystem_relation_kind', 14, 13)).toBe(true);
    expect(isKnownParameter('restrict_nonsystem_relation_kind', 17, 0)).toBe(true);
  });
});

describe('isCustomParameter', () => {
  test.each(['pg_stat_statements.max', 'auto_explain.log_min_duration', 'pgaudit.log', 'pgaudit.log_parameter', 'PGAudit.Log',
    'a.b.c', '_x.y1', 'my_ext.opt$1', 'pg_cron.database_name'])('%s is a valid extension parameter name', (name) => {
    expect(isCustomParameter(name)).toBe(true);
  });

  test.each(['work_mem', 'pgaudit', '.max', 'pgaudit.', 'pgaudit..log', '1abc.x', 'pgaudit.1log', 'pg-audit.log', 'pgaudit.log level',
    'pgaudit.log=all', '', '.', 'ext.$x', 'pgaudit.lög'])('%s is not', (name) => {
    expect(isCustomParameter(name)).toBe(false);
  });
});

describe('nearestParameterNames', () => {
  test.each([
    ['shared_buffer', 16, 'shared_buffers'],
    ['max_connection', 17, 'max_connections'],
    ['wal_keep_segments', 16, 'wal_keep_size'],
    ['work_mme', 18, 'work_mem'],
    ['maintainance_work_mem', 15, 'maintenance_work_mem'],
    ['efective_cache_size', 14, 'effective_cache_size'],
    ['checkpoint_timout', 17, 'checkpoint_timeout'],
    ['Shared_Buffer', 16, 'shared_buffers'],
    ['force_parallel_mode', 17, 'debug_parallel_query'],
    ['standby_slot_names', 17, 'synchronized_standby_slots'],
    ['checkpoint_segments', 14, 'max_wal_size'],
    ['io_methd', 18, 'io_method'],
  ])('%s (PostgreSQL %d) → %s', (typo, major, expected) => {
    const near = nearestParameterNames(typo, major);
    expect(near[0]).toBe(expected);
    expect(near.length).toBeLessThanOrEqual(3);
  });

  test('a word of the name finds the parameters spelled with it', () => {
    expect(nearestParameterNames('connections', 16)).toContain('max_connections');
    expect(nearestParameterNames('connections', 16)).toHaveLength(3);
  });

  test('suggests only names of that major', () => {
    expect(nearestParameterNames('io_methd', 17)).not.toContain('io_method');
    expect(nearestParameterNames('old_snapshot_treshold', 16)).toContain('old_snapshot_threshold');
    expect(nearestParameterNames('old_snapshot_treshold', 17)).not.toContain('old_snapshot_threshold');
    expect(nearestParameterNames('force_parallel_mode', 15)).not.toContain('debug_parallel_query');
  });

  test('never suggests read-only names, aliases or the input itself', () => {
    const typos = ['server_versio', 'block_siz', 'sort_me', 'vacuum_me', 'ssl_ecdh_curv', 'work_mem', 'is_superusr', 'lc_collat', 'data_checksum'];
    for (const major of SUPPORTED_MAJORS) {
      for (const typo of typos) {
        for (const name of nearestParameterNames(typo, major)) {
          expect(isKnownParameter(name, major)).toBe(true);
          const info = parameterAvailability(name)!;
          expect(info.context).not.toBe('internal');
          if (info.aliasOf) expect(isKnownParameter(info.aliasOf, major)).toBe(false);
          expect(name).not.toBe(typo);
        }
      }
    }
    expect(nearestParameterNames('ssl_ecdh_curv', 17)).toContain('ssl_ecdh_curve');
    expect(nearestParameterNames('ssl_ecdh_curv', 18)).not.toContain('ssl_ecdh_curve');
  });

  test('nothing for names that are not close; respects max', () => {
    expect(nearestParameterNames('zzzzzzzzzzzz', 16)).toEqual([]);
    expect(nearestParameterNames('completely_unrelated_thing', 16)).toEqual([]);
    expect(nearestParameterNames('', 16)).toEqual([]);
    expect(nearestParameterNames('log_min_duration', 16, 1)).toHaveLength(1);
    expect(nearestParameterNames('log_min_duration', 16, 0)).toEqual([]);
  });
});
