// The clock lives in Clock/; the graph format in Graph/.
