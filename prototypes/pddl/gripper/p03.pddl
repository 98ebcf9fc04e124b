; Small fixed gripper problem (generated once by a seeded generator).
(define (problem gripper-6-3) (:domain gripper)
  (:objects room1 room2 room3 - room ball1 ball2 ball3 ball4 ball5 ball6 - ball left right - gripper)
  (:init (at-robby room1) (at ball1 room3) (at ball2 room3) (at ball3 room1) (at ball4 room2) (at ball5 room3) (at ball6 room2))
  (:goal (and (at ball1 room3) (at ball2 room3) (at ball3 room1) (at ball4 room3) (at ball5 room1) (at ball6 room2))))
