"""Retention (FPPT.md section 7): purging leavers' data when the law no longer allows it to be kept."""
