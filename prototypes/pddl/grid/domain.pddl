; Grid navigation: a robot moves between adjacent free cells (walls are simply cells without
; adjacency) and must visit some waypoint cells and finish on a goal cell.
(define (domain grid)
  (:requirements :strips :typing)
  (:types cell)
  (:predicates
    (at ?c - cell)
    (adj ?from - cell ?to - cell)
    (visited ?c - cell))

  (:action move
    :parameters (?from - cell ?to - cell)
    :precondition (and (at ?from) (adj ?from ?to))
    :effect (and (not (at ?from)) (at ?to) (visited ?to))))
