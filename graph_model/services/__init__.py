"""Services: the questions ownergraph answers and the one write path, over any GraphStore."""
