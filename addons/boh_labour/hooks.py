def _link_standards_to_jobs(env):
    """Give each existing productivity standard the job its free-text role names."""
    env["boh.labour.standard"].with_context(active_test=False).search(
        [("job_id", "=", False)]
    )._boh_link_jobs()
