"""The quality checks: findings at the level the site's policy gives them."""
