/** The role the server's queries run as: owns nothing, cannot bypass row-level security. */
export const RUNTIME_ROLE = 'ecogrid_app';

/**
 * Roles are per server, not per database, so a dump does not carry them: a restore into a fresh
 * server creates the runtime role first, or the dump's GRANTs fail.
 */
export const ENSURE_RUNTIME_ROLE_SQL = `
do $$
begin
  if not exists (select from pg_roles where rolname = '${RUNTIME_ROLE}') then
    begin
      create role ${RUNTIME_ROLE} nologin;
    exception when duplicate_object or unique_violation then
      null;
    end;
  end if;
end
$$;`;
