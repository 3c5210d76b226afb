"""Scheduled messages: the Scheduled list (File > Scheduled messages…), the actions on a
scheduled bubble (Edit time, Send now, Cancel), and the prompt for overdue ones."""
