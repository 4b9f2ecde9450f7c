"""The Teams tab's server side: sign-in, the JSON API, server-drawn charts and the page's files.

Read-only: changes still happen through the bot's cards. See docs/tab.md.
"""
