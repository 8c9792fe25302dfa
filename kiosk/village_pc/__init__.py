"""Tools for the PC in the village hall: the command line (`cli`), the web server (`http_server`),
the health check (`doctor`), systemd units, the LAN name, and the nightly backup copy.
"""
